{{/* The namespace the toolbox manages: observedNamespace (1.4.1) when set, else targetNamespace, else the release's
(the same rule as the operator chart). */}}
{{- define "toolbox.targetNamespace" -}}
{{- default (default .Release.Namespace .Values.targetNamespace) .Values.observedNamespace -}}
{{- end -}}

{{/* Labels of every object of the chart. */}}
{{- define "toolbox.labels" -}}
app.kubernetes.io/part-of: flink-k8s-toolbox
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}
