{{/* The namespace the toolbox manages: observedNamespace (1.4.1) when set, else targetNamespace, else the release's
(the same rule as the operator chart). */}}
{{- define "toolbox.targetNamespace" -}}
{{- default (default .Release.Namespace .Values.targetNamespace) .Values.observedNamespace -}}
{{- end -}}

{{/* The namespaces that get the toolbox's accounts and Roles, comma-separated: the target namespace (the operator's
own: its Lease, and the control plane's routes), then each of `namespaces` (those the operator manages besides). */}}
{{- define "toolbox.namespaces" -}}
{{- without (uniq (prepend (default (list) .Values.namespaces) (include "toolbox.targetNamespace" .))) "" | join "," -}}
{{- end -}}

{{/* Labels of every object of the chart: the recommended app.kubernetes.io/* set (as the crd and operator charts
give theirs) and Helm's chart label. The argument is (list $ "<component>"): the process the object serves,
operator, supervisor or bootstrap. */}}
{{- define "toolbox.labels" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: {{ $root.Chart.Name }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/version: {{ $root.Chart.AppVersion | quote }}
app.kubernetes.io/component: {{ index . 1 }}
app.kubernetes.io/part-of: flink-k8s-toolbox
app.kubernetes.io/managed-by: {{ $root.Release.Service }}
helm.sh/chart: {{ $root.Chart.Name }}-{{ $root.Chart.Version }}
{{- end -}}
