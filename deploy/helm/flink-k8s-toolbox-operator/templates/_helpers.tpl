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

{{/* An image reference from image.registry (a trailing slash added when missing), a repository and a tag; the argument
is (list $ repository tag), an empty tag meaning the chart's appVersion. */}}
{{- define "operator.imageRef" -}}
{{- $root := index . 0 -}}
{{- $registry := $root.Values.image.registry -}}
{{- if and $registry (not (hasSuffix "/" $registry)) }}{{ $registry = printf "%s/" $registry }}{{ end -}}
{{- printf "%s%s:%s" $registry (index . 1) (default $root.Chart.AppVersion (index . 2)) -}}
{{- end -}}

{{/* The operator image reference. */}}
{{- define "operator.image" -}}
{{- include "operator.imageRef" (list . .Values.image.repository .Values.image.tag) -}}
{{- end -}}

{{/* Labels that select the operator pods. */}}
{{- define "operator.selectorLabels" -}}
app: {{ .Values.name }}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The recommended app.kubernetes.io/* labels and Helm's chart label, as the crd and roles charts give their objects.
The argument is (list $ "<component>"). Without `app`, so a pod labelled only with these (the helm test pod) is not
one of the Service's endpoints. */}}
{{- define "operator.commonLabels" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: {{ $root.Chart.Name }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/version: {{ $root.Chart.AppVersion | quote }}
app.kubernetes.io/component: {{ index . 1 }}
app.kubernetes.io/part-of: flink-k8s-toolbox
app.kubernetes.io/managed-by: {{ $root.Release.Service }}
helm.sh/chart: {{ $root.Chart.Name }}-{{ $root.Chart.Version }}
{{- end -}}

{{/* Labels of the operator's objects (Deployment, its pods, Service): the selector's `app`, the common labels, and the
original's chart/release/heritage. */}}
{{- define "operator.labels" -}}
app: {{ .Values.name }}
{{ include "operator.commonLabels" (list . "operator") }}
chart: {{ .Chart.Name }}-{{ .Chart.Version }}
release: {{ .Release.Name }}
heritage: {{ .Release.Service }}
{{- end -}}

{{/* The Secret the helm test pod presents to the control plane (empty: plain HTTP). */}}
{{- define "operator.testSecret" -}}
{{- default .Values.secretName .Values.tests.secretName -}}
{{- end -}}

{{/* The form of that Secret, pem or keystore: tests.secretForm, or for auto the form of the Secret as the cluster has
it while Helm renders the hook (keystore when it has the keystore key and no tls.crt); pem when it cannot be read
(`helm template` has no cluster). */}}
{{- define "operator.testSecretForm" -}}
{{- if ne .Values.tests.secretForm "auto" -}}
{{- .Values.tests.secretForm -}}
{{- else -}}
{{- $secret := lookup "v1" "Secret" .Release.Namespace (include "operator.testSecret" .) -}}
{{- $data := (get (default dict $secret) "data") | default dict -}}
{{- if and (not (hasKey $data "tls.crt")) (hasKey $data .Values.keystore.pathKey) }}keystore{{ else }}pem{{ end -}}
{{- end -}}
{{- end -}}

{{/* The chart's labels with `.extra` (a map of values, e.g. monitoring.serviceMonitor.labels) over them: one key
each, the extra value winning (a Prometheus selecting on `release` gets its own). Call with (dict "root" $ "extra" ...). */}}
{{- define "operator.labelsWith" -}}
{{- $base := include "operator.labels" .root | fromYaml -}}
{{- toYaml (merge (deepCopy (default (dict) .extra)) $base) -}}
{{- end -}}
