{{/*
  Render-time refusals: values that helm would render happily and that
  would then break the pod, the rollout or a node drain. Each message names
  the value and what to do. The service validates its config in full at
  start-up (exit 2, every problem listed); what is checked here is what
  would otherwise crash-loop or misroute without the chart noticing.
*/}}
{{- define "health-aggregator.validate" -}}
{{- $v := .Values }}
{{- $server := ($v.config.server | default dict) }}

{{- /* basePath: the service's own rule (src/config/sections-schema.ts). */}}
{{- if hasKey $server "basePath" }}
{{- $base := trimAll "/" (toString $server.basePath) }}
{{- if eq $base "" }}
{{- fail (printf "config.server.basePath %q: the service refuses the root path (its routes would shadow /metrics and /status); use a path like /api/health" (toString $server.basePath)) }}
{{- end }}
{{- if not (regexMatch "^(/[A-Za-z0-9._~-]+)+$" (printf "/%s" $base)) }}
{{- fail (printf "config.server.basePath %q is not a path the service accepts (letters, digits and . _ ~ - between slashes, like /api/health)" (toString $server.basePath)) }}
{{- end }}
{{- end }}

{{- /* A numeric server.port other than containerPort: the probes would knock on a closed port. */}}
{{- if and (hasKey $server "port") (or (kindIs "float64" $server.port) (kindIs "int" $server.port) (kindIs "int64" $server.port)) }}
{{- if ne (int $server.port) (int $v.containerPort) }}
{{- fail (printf "config.server.port (%v) differs from containerPort (%v): leave config.server.port unset, the chart passes containerPort as $PORT" $server.port $v.containerPort) }}
{{- end }}
{{- end }}

{{- /* Check names: the service refuses duplicates; say so before the pod does. */}}
{{- $seen := dict }}
{{- range $i, $check := ($v.config.checks | default list) }}
{{- if hasKey $seen (toString $check.name) }}
{{- fail (printf "config.checks[%d].name %q is also config.checks[%v].name: check names must be unique" $i (toString $check.name) (get $seen (toString $check.name))) }}
{{- end }}
{{- $_ := set $seen (toString $check.name) $i }}
{{- end }}

{{- /* Probe paths must be routes the service answers, or every probe fails. */}}
{{- $base := include "health-aggregator.basePath" . }}
{{- range $name, $path := dict "probes.readiness.path" (include "health-aggregator.readinessPath" .) "probes.liveness.path" (include "health-aggregator.livenessPath" .) "probes.startup.path" (include "health-aggregator.startupPath" .) }}
{{- if not (include "health-aggregator.pathServed" (list $path $base)) }}
{{- fail (printf "%s %s is not a route the service answers: it must be under config.server.basePath (%s) or one of /metrics, /status, /api/status, /api/v2/" $name $path $base) }}
{{- end }}
{{- end }}

{{- /* Grace period: SIGKILL must not come before shutdownDelay plus the service's 10 s close cap. */}}
{{- $delayMs := 5000 }}
{{- if hasKey $server "shutdownDelay" }}
{{- $parsed := include "health-aggregator.durationMs" $server.shutdownDelay }}
{{- if ne $parsed "" }}{{ $delayMs = int64 $parsed }}{{ end }}
{{- end }}
{{- $needS := add (div (add $delayMs 999) 1000) 10 }}
{{- if lt (int64 $v.terminationGracePeriodSeconds) (int64 $needS) }}
{{- fail (printf "terminationGracePeriodSeconds (%v) must be at least config.server.shutdownDelay (%v ms) + 10 s (the service's close cap) = %v s, or Kubernetes SIGKILLs the pod mid-shutdown" $v.terminationGracePeriodSeconds $delayMs $needS) }}
{{- end }}

{{- /* Environment the chart sets itself: a second value would silently win or lose. */}}
{{- $reserved := dict "PORT" "set containerPort" "HEALTH_CONFIG" "set config (the chart mounts it)" "HEALTH_CLUSTER_URL" "set cluster.enabled with cluster.existingSecret and cluster.secretKey" "ENVIRONMENT" "set environment" "LOG_LEVEL" "set logLevel" }}
{{- range $name, $_ := ($v.env | default dict) }}
{{- if hasKey $reserved $name }}
{{- fail (printf "env.%s is set by the chart: %s instead" $name (get $reserved $name)) }}
{{- end }}
{{- end }}
{{- range $i, $e := ($v.extraEnv | default list) }}
{{- if hasKey $reserved (toString $e.name) }}
{{- fail (printf "extraEnv[%d].name %s is set by the chart: %s instead" $i $e.name (get $reserved (toString $e.name))) }}
{{- end }}
{{- end }}

{{- /* Cluster wiring. */}}
{{- if $v.cluster.enabled }}
{{- if not $v.cluster.existingSecret }}
{{- fail "cluster.enabled needs cluster.existingSecret: the name of a Secret whose cluster.secretKey holds the cluster's PostgreSQL URL (HEALTH_CLUSTER_URL)" }}
{{- end }}
{{- else if ($v.config.cluster) }}
{{- fail "config.cluster is set but cluster.enabled is false: enable cluster (with cluster.existingSecret) so the chart wires HEALTH_CLUSTER_URL and allows autoscaling" }}
{{- end }}

{{- /* Autoscaling: without a cluster every replica probes every dependency, so more replicas only add load on them. */}}
{{- if and $v.autoscaling.enabled (not $v.cluster.enabled) }}
{{- fail "autoscaling.enabled needs cluster.enabled: standalone replicas each probe every dependency, so scaling out multiplies the probes and shares no work" }}
{{- end }}
{{- if and $v.autoscaling.enabled (gt (int $v.autoscaling.minReplicas) (int $v.autoscaling.maxReplicas)) }}
{{- fail (printf "autoscaling.minReplicas (%v) is above autoscaling.maxReplicas (%v)" $v.autoscaling.minReplicas $v.autoscaling.maxReplicas) }}
{{- end }}

{{- /* PodDisruptionBudget: never one that blocks a node drain. */}}
{{- with $v.podDisruptionBudget }}
{{- if .enabled }}
{{- if and (not (kindIs "invalid" .minAvailable)) (ne (toString .minAvailable) "") }}
{{- if eq (toString .minAvailable) "100%" }}
{{- fail "podDisruptionBudget.minAvailable 100% blocks every node drain: use maxUnavailable: 1" }}
{{- end }}
{{- if and (not (contains "%" (toString .minAvailable))) (not $v.autoscaling.enabled) (ge (int .minAvailable) (int $v.replicaCount)) }}
{{- fail (printf "podDisruptionBudget.minAvailable (%v) is not below replicaCount (%v): no pod could ever be evicted and node drains would hang; use maxUnavailable: 1" .minAvailable $v.replicaCount) }}
{{- end }}
{{- else if or (eq (toString .maxUnavailable) "0") (eq (toString .maxUnavailable) "0%") }}
{{- fail "podDisruptionBudget.maxUnavailable 0 blocks every node drain: use 1 (or disable the budget)" }}
{{- end }}
{{- end }}
{{- end }}

{{- /* Sidecar mode needs the application container it sits beside. */}}
{{- if eq $v.mode "sidecar" }}
{{- if not (and $v.application.container $v.application.container.name $v.application.container.image) }}
{{- fail "mode sidecar needs application.container with at least name and image: the application's own container, whose readiness follows its dependencies" }}
{{- end }}
{{- if semverCompare "<1.29.0-0" .Capabilities.KubeVersion.Version }}
{{- fail (printf "mode sidecar needs Kubernetes 1.29 or later (native sidecars: an init container with restartPolicy Always); this cluster is %s" .Capabilities.KubeVersion.Version) }}
{{- end }}
{{- if $v.networkPolicy.enabled }}
{{- fail "networkPolicy.enabled is for mode standalone: in mode sidecar the pod is the application's, and a policy written for health-aggregator alone would cut the application's own traffic" }}
{{- end }}
{{- if eq (toString $v.application.container.name) "health-aggregator" }}
{{- fail "application.container.name health-aggregator is the sidecar's name: name the application's container otherwise" }}
{{- end }}
{{- end }}
{{- end }}
