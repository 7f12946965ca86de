{{/* The namespace the operator manages: observedNamespace (1.4.1) when set, else targetNamespace, else the release's. */}}
{{- define "operator.targetNamespace" -}}
{{- default (default .Release.Namespace .Values.targetNamespace) .Values.observedNamespace -}}
{{- end -}}

{{/* The Secret the supervisors mount. */}}
{{- define "operator.supervisorSecret" -}}
{{- default .Values.secretName .Values.supervisorSecretName -}}
{{- end -}}

{{/* Items of the TLS Secret volume: empty (every key, as it is) unless the keystore/truststore values name other keys
than the original's defaults; then those keys are mounted under the default names the operator looks for. */}}
{{- define "operator.keystoreItems" -}}
{{- $keys := list .Values.keystore.pathKey .Values.keystore.secretKey .Values.truststore.pathKey .Values.truststore.secretKey -}}
{{- if ne (join "," $keys) "keystore.jks,keystore-secret,truststore.jks,truststore-secret" -}}
- key: {{ .Values.keystore.pathKey }}
  path: keystore.jks
- key: {{ .Values.keystore.secretKey }}
  path: keystore-secret
- key: {{ .Values.truststore.pathKey }}
  path: truststore.jks
- key: {{ .Values.truststore.secretKey }}
  path: truststore-secret
{{- end -}}
{{- end -}}

{{/* The operator image reference. */}}
{{- define "operator.image" -}}
{{- $registry := .Values.image.registry -}}
{{- if and $registry (not (hasSuffix "/" $registry)) }}{{ $registry = printf "%s/" $registry }}{{ end -}}
{{- printf "%s%s:%s" $registry .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* Labels that select the operator pods. */}}
{{- define "operator.selectorLabels" -}}
app: {{ .Values.name }}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Labels of every object of the chart: the recommended ones plus the original's chart/release/heritage. */}}
{{- define "operator.labels" -}}
{{ include "operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: flink-k8s-toolbox
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
chart: {{ .Chart.Name }}-{{ .Chart.Version }}
release: {{ .Release.Name }}
heritage: {{ .Release.Service }}
{{- end -}}

{{/* The chart's labels with `.extra` (a map of values, e.g. monitoring.serviceMonitor.labels) over them: one key
each, the extra value winning (a Prometheus selecting on `release` gets its own). Call with (dict "root" $ "extra" ...). */}}
{{- define "operator.labelsWith" -}}
{{- $base := include "operator.labels" .root | fromYaml -}}
{{- toYaml (merge (deepCopy (default (dict) .extra)) $base) -}}
{{- end -}}
