{{/* The namespace the toolbox manages. */}}
{{- define "toolbox.targetNamespace" -}}
{{- default (default .Release.Namespace .Values.observedNamespace) .Values.targetNamespace -}}
{{- end -}}

{{/* Labels of every object of the chart. */}}
{{- define "toolbox.labels" -}}
app.kubernetes.io/part-of: flink-k8s-toolbox
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}
