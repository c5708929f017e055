{{/* The chart name, overridable. */}}
{{- define "health-aggregator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-scoped name, at most 63 characters (a DNS label). */}}
{{- define "health-aggregator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "health-aggregator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels that never change for a release: Deployment selector, Service, PDB. */}}
{{- define "health-aggregator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "health-aggregator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The `helm test` pod: its own name label, so no selector of the release matches it. */}}
{{- define "health-aggregator.testLabels" -}}
app.kubernetes.io/name: {{ include "health-aggregator.name" . | trunc 58 }}-test
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: test
{{- end }}

{{- define "health-aggregator.labels" -}}
helm.sh/chart: {{ include "health-aggregator.chart" . }}
{{ include "health-aggregator.selectorLabels" . }}
app.kubernetes.io/version: {{ include "health-aggregator.imageTag" . | trunc 63 | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "health-aggregator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "health-aggregator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The image tag in use: image.tag, else the chart's appVersion. */}}
{{- define "health-aggregator.imageTag" -}}
{{- default .Chart.AppVersion .Values.image.tag }}
{{- end }}

{{/*
  repository:tag, or repository@digest when a digest is given. No image of
  this service is published anywhere, so there is no default repository to
  pull: the install says so instead of ending in ImagePullBackOff.
*/}}
{{- define "health-aggregator.image" -}}
{{- $repo := required "image.repository is required: no public image of health-aggregator exists. Build the repository's Dockerfile, push it to your registry and set image.repository (and image.tag or image.digest)" .Values.image.repository }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" $repo .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" $repo (include "health-aggregator.imageTag" .) }}
{{- end }}
{{- end }}

{{/* Where the ConfigMap's health.yml is mounted; $HEALTH_CONFIG points at it. */}}
{{- define "health-aggregator.configDir" -}}
/etc/health-aggregator
{{- end }}

{{/* The service's basePath as it normalises it: "/api/health" by default, no trailing slash. */}}
{{- define "health-aggregator.basePath" -}}
{{- $server := (.Values.config.server | default dict) }}
{{- if hasKey $server "basePath" }}
{{- printf "/%s" (trimAll "/" (toString $server.basePath)) }}
{{- else -}}
/api/health
{{- end }}
{{- end }}

{{/* Probe paths: an explicit value, else the route under basePath. */}}
{{- define "health-aggregator.readinessPath" -}}
{{- default (printf "%s/readiness?self" (include "health-aggregator.basePath" .)) .Values.probes.readiness.path }}
{{- end }}
{{- define "health-aggregator.livenessPath" -}}
{{- default (printf "%s/liveness" (include "health-aggregator.basePath" .)) .Values.probes.liveness.path }}
{{- end }}
{{- define "health-aggregator.startupPath" -}}
{{- default (printf "%s/liveness" (include "health-aggregator.basePath" .)) .Values.probes.startup.path }}
{{- end }}
{{/* The dependency-aware readiness, for whoever routes traffic to the application (sidecar mode). */}}
{{- define "health-aggregator.dependencyReadinessPath" -}}
{{- default (printf "%s/readiness" (include "health-aggregator.basePath" .)) .Values.application.readinessPath }}
{{- end }}

{{/*
  A duration as the service reads it (CONTRACT §3.1: milliseconds, or a
  number with ms/s/m/h/d), in milliseconds; "" when it is not one (the
  service reports that itself).
*/}}
{{- define "health-aggregator.durationMs" -}}
{{- $v := . }}
{{- if or (kindIs "float64" $v) (kindIs "int" $v) (kindIs "int64" $v) }}
{{- $v | int64 }}
{{- else if regexMatch "^[0-9]+(\\.[0-9]+)?(ms|s|m|h|d)$" (toString $v) }}
{{- $num := regexFind "^[0-9]+(\\.[0-9]+)?" (toString $v) | float64 }}
{{- $unit := regexFind "(ms|s|m|h|d)$" (toString $v) }}
{{- $factor := get (dict "ms" 1 "s" 1000 "m" 60000 "h" 3600000 "d" 86400000) $unit }}
{{- mulf $num $factor | int64 }}
{{- end }}
{{- end }}

{{/*
  The config the pod reads: .Values.config, plus cluster.url from the
  Secret's variable when the chart wires the cluster and the config leaves
  it out (the service fills ${HEALTH_CLUSTER_URL} from its environment).
*/}}
{{- define "health-aggregator.config" -}}
{{- $config := deepCopy (.Values.config | default dict) }}
{{- if and .Values.cluster.enabled $config }}
{{- $cluster := $config.cluster | default dict }}
{{- if not (hasKey $cluster "url") }}
{{- $_ := set $cluster "url" "${HEALTH_CLUSTER_URL}" }}
{{- end }}
{{- $_ := set $config "cluster" $cluster }}
{{- end }}
{{- toYaml $config }}
{{- end }}

{{/* Paths the service answers outside its basePath (CONTRACT §4). */}}
{{- define "health-aggregator.pathServed" -}}
{{- $path := index . 0 }}
{{- $base := index . 1 }}
{{- $bare := regexReplaceAll "\\?.*$" $path "" }}
{{- if or (eq $bare $base) (hasPrefix (printf "%s/" $base) $bare) (eq $bare "/metrics") (eq $bare "/status") (hasPrefix "/status/" $bare) (eq $bare "/api/status") (hasPrefix "/api/status/" $bare) (hasPrefix "/api/v2/" $bare) -}}
yes
{{- end }}
{{- end }}
