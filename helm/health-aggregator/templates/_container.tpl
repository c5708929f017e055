{{/* The health-aggregator container, in either mode. */}}
{{- define "health-aggregator.container" -}}
- name: health-aggregator
  image: {{ include "health-aggregator.image" . | quote }}
  imagePullPolicy: {{ .Values.image.pullPolicy }}
  {{- if eq .Values.mode "sidecar" }}
  # A native sidecar (Kubernetes 1.29+): started, and ready, before the
  # application, and stopped after it.
  restartPolicy: Always
  {{- end }}
  # The image's ENTRYPOINT is node itself (exec form), so SIGTERM reaches the service directly.
  args: ["serve"]
  ports:
    - name: http
      containerPort: {{ .Values.containerPort }}
      protocol: TCP
  env:
    - name: PORT
      value: {{ .Values.containerPort | quote }}
    - name: ENVIRONMENT
      value: {{ .Values.environment | quote }}
    - name: LOG_LEVEL
      value: {{ .Values.logLevel | quote }}
    {{- if .Values.config }}
    - name: HEALTH_CONFIG
      value: {{ include "health-aggregator.configDir" . }}/health.yml
    {{- end }}
    {{- if .Values.cluster.enabled }}
    - name: HEALTH_CLUSTER_URL
      valueFrom:
        secretKeyRef:
          name: {{ .Values.cluster.existingSecret }}
          key: {{ .Values.cluster.secretKey }}
    {{- end }}
    {{- range $name, $value := .Values.env }}
    - name: {{ $name }}
      value: {{ $value | toString | quote }}
    {{- end }}
    {{- with .Values.extraEnv }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- if or .Values.envFromSecrets .Values.envFromConfigMaps }}
  envFrom:
    {{- range .Values.envFromSecrets }}
    - secretRef:
        name: {{ . }}
    {{- end }}
    {{- range .Values.envFromConfigMaps }}
    - configMapRef:
        name: {{ . }}
    {{- end }}
  {{- end }}
  {{- with .Values.probes.startup }}
  {{- if .enabled }}
  startupProbe:
    httpGet:
      path: {{ include "health-aggregator.startupPath" $ | quote }}
      port: http
    periodSeconds: {{ .periodSeconds }}
    timeoutSeconds: {{ .timeoutSeconds }}
    failureThreshold: {{ .failureThreshold }}
  {{- end }}
  {{- end }}
  {{- with .Values.probes.readiness }}
  readinessProbe:
    httpGet:
      path: {{ include "health-aggregator.readinessPath" $ | quote }}
      port: http
    periodSeconds: {{ .periodSeconds }}
    timeoutSeconds: {{ .timeoutSeconds }}
    failureThreshold: {{ .failureThreshold }}
    successThreshold: {{ .successThreshold }}
  {{- end }}
  {{- with .Values.probes.liveness }}
  livenessProbe:
    httpGet:
      path: {{ include "health-aggregator.livenessPath" $ | quote }}
      port: http
    periodSeconds: {{ .periodSeconds }}
    timeoutSeconds: {{ .timeoutSeconds }}
    failureThreshold: {{ .failureThreshold }}
  {{- end }}
  securityContext:
    {{- toYaml .Values.securityContext | nindent 4 }}
  resources:
    {{- toYaml .Values.resources | nindent 4 }}
  volumeMounts:
    # Writable scratch space under a read-only root filesystem.
    - name: tmp
      mountPath: /tmp
    {{- if .Values.config }}
    - name: config
      mountPath: {{ include "health-aggregator.configDir" . }}
      readOnly: true
    {{- end }}
    {{- with .Values.extraVolumeMounts }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end }}

{{/*
  The application container of mode: sidecar, with a readinessProbe (unless
  it brings its own) that asks the sidecar whether the application's
  dependencies are fine: the pod leaves the Service while they are not.
*/}}
{{- define "health-aggregator.applicationContainer" -}}
{{- $app := deepCopy .Values.application.container }}
{{- if not (hasKey $app "readinessProbe") }}
{{- $probe := dict "httpGet" (dict "path" (include "health-aggregator.dependencyReadinessPath" .) "port" (int .Values.containerPort)) "periodSeconds" 5 "timeoutSeconds" 2 "failureThreshold" 2 "successThreshold" 1 }}
{{- $_ := set $app "readinessProbe" $probe }}
{{- end }}
{{- list $app | toYaml }}
{{- end }}
