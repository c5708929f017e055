{{/*
  The TCP port a URL reaches: its literal port, else its scheme's default,
  else (a URL that comes from the environment, like ${DATABASE_URL}) the
  fallback given. Called with (list url fallback).
*/}}
{{- define "health-aggregator.urlPort" -}}
{{- $url := toString (index . 0) }}
{{- $fallback := index . 1 }}
{{- $authority := regexReplaceAll "^[A-Za-z][A-Za-z0-9+.-]*://([^/?#]*).*$" $url "${1}" }}
{{- $hostport := regexReplaceAll "^.*@" $authority "" }}
{{- if or (eq $url "") (contains "${" $hostport) (eq $authority $url) }}
{{- $fallback }}
{{- else if regexMatch ":[0-9]+$" $hostport }}
{{- regexFind "[0-9]+$" $hostport }}
{{- else }}
{{- $scheme := regexFind "^[A-Za-z][A-Za-z0-9+.-]*" $url | lower }}
{{- get (dict "postgres" "5432" "postgresql" "5432" "redis" "6379" "rediss" "6379" "http" "80" "https" "443") $scheme | default $fallback }}
{{- end }}
{{- end }}

{{/* Every dependency port of the config (see values.yaml networkPolicy), sorted, as JSON. */}}
{{- define "health-aggregator.dependencyPorts" -}}
{{- $v := .Values }}
{{- $config := $v.config | default dict }}
{{- $overrides := $v.networkPolicy.egress.checkPorts | default dict }}
{{- $ports := list }}
{{- range ($config.checks | default list) }}
{{- if hasKey $overrides (toString .name) }}
{{- range (get $overrides (toString .name)) }}{{ $ports = append $ports (toString .) }}{{ end }}
{{- else if or (eq .type "postgres") (eq .type "redis") }}
{{- $ports = append $ports (include "health-aggregator.urlPort" (list .url (ternary "5432" "6379" (eq .type "postgres")))) }}
{{- else if eq .type "bullmq" }}
{{- $ports = append $ports (include "health-aggregator.urlPort" (list .redisUrl "6379")) }}
{{- else if eq .type "http" }}
{{- $ports = append $ports (include "health-aggregator.urlPort" (list .url "443")) }}
{{- else if eq .type "s3" }}
{{- $ports = append $ports (include "health-aggregator.urlPort" (list (.endpoint | default "") "443")) }}
{{- else if eq .type "tcp" }}
{{- $ports = append $ports (toString .port) }}
{{- end }}
{{- end }}
{{- /* Zero-config: the conventional variables' services on their default ports. */}}
{{- if not $config.checks }}
{{- $ports = concat $ports (list "5432" "6379" "443") }}
{{- end }}
{{- range $key := list "storage" "cluster" }}
{{- if hasKey $overrides $key }}
{{- range (get $overrides $key) }}{{ $ports = append $ports (toString .) }}{{ end }}
{{- else if or (get $config $key) (and (eq $key "cluster") $v.cluster.enabled) }}
{{- $ports = append $ports (include "health-aggregator.urlPort" (list ((get $config $key | default dict).url | default "") "5432")) }}
{{- end }}
{{- end }}
{{- range ($config.notifications | default list) }}
{{- $ports = append $ports (include "health-aggregator.urlPort" (list (.url | default "") "443")) }}
{{- end }}
{{- range $v.networkPolicy.egress.extraPorts }}{{ $ports = append $ports (toString .) }}{{ end }}
{{- $ports | uniq | sortAlpha | toJson }}
{{- end }}
