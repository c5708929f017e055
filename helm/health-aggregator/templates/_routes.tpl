{{/* The public routes an Ingress or HTTPRoute exposes by default: never /metrics. */}}
{{- define "health-aggregator.publicPaths" -}}
{{- list (include "health-aggregator.basePath" .) "/status" "/api/status" "/api/v2" | toJson }}
{{- end }}
