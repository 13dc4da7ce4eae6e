{{/* Name of the release's objects: <release>-workflow unless the release name already says workflow. */}}
{{- define "workflow.fullname" -}}
{{- if contains "workflow" .Release.Name -}}
{{- .Release.Name | trunc 55 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-workflow" .Release.Name | trunc 55 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "workflow.labels" -}}
app.kubernetes.io/name: workflow
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "workflow.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/* The Redis connection as environment variables, read by `workflow serve` and `workflow worker`. */}}
{{- define "workflow.redisEnv" -}}
{{- if .Values.redis.existingSecret }}
- name: {{ if .Values.redis.clusterNodes }}WORKFLOW_REDIS_CLUSTER{{ else }}WORKFLOW_REDIS_URL{{ end }}
  valueFrom:
    secretKeyRef:
      name: {{ .Values.redis.existingSecret }}
      key: {{ .Values.redis.existingSecretKey }}
{{- else if .Values.redis.clusterNodes }}
- name: WORKFLOW_REDIS_CLUSTER
  value: {{ .Values.redis.clusterNodes | quote }}
{{- else }}
- name: WORKFLOW_REDIS_URL
  value: {{ required "redis.url or redis.clusterNodes is required" .Values.redis.url | quote }}
{{- end }}
{{- end -}}

{{/* The PromQL demand of one pool: tasks queued plus in flight. Every engine replica reports the same store, so
     replicas are folded with max, not summed. */}}
{{- define "workflow.demandQuery" -}}
max(workflow_pool_queued{pool="{{ . }}"}) + max(workflow_pool_in_flight{pool="{{ . }}"})
{{- end -}}
