{{/* The operator's rules, shared by its Roles and its ClusterRole (operator.yaml). */}}
{{- define "toolbox.operatorRules" -}}
rules:
  # Reflectors (list, watch); the control plane (get + update to replace a spec, create, delete, patch of the
  # action annotations); the reconcilers (create, patch of specs and finalizers, delete).
  - apiGroups: [nextbreakpoint.com]
    resources: [flinkdeployments, flinkclusters, flinkjobs]
    verbs: [get, list, watch, create, update, patch, delete]
  # FlinkClusters and FlinkJobs made from a FlinkDeployment are owned by it with blockOwnerDeletion, which the
  # OwnerReferencesPermissionEnforcement admission plugin (e.g. OpenShift) allows only with this verb.
  - apiGroups: [nextbreakpoint.com]
    resources: [flinkdeployments/finalizers]
    verbs: [update]
  # Status written by PUT (updateStatus): the FlinkDeployment's, and an orphan FlinkJob's. FlinkCluster status is
  # the supervisor's.
  - apiGroups: [nextbreakpoint.com]
    resources: [flinkdeployments/status, flinkjobs/status]
    verbs: [update]
  # The control plane's scale routes (merge patch of the scale subresource).
  - apiGroups: [nextbreakpoint.com]
    resources: [flinkclusters/scale, flinkjobs/scale]
    verbs: [patch]
  # One supervisor Deployment per cluster: reflector, create, replace (update) and delete.
  - apiGroups: [apps]
    resources: [deployments]
    verbs: [list, watch, create, update, delete]
  # The supervisor pods are only watched: deleting the supervisor Deployment removes them.
  - apiGroups: [""]
    resources: [pods]
    verbs: [list, watch]
  # One supervisor Service per cluster (the address bootstraps report to): reflector, create and delete.
  - apiGroups: [""]
    resources: [services]
    verbs: [list, watch, create, delete]
  - apiGroups: [""]
    resources: [events]
    verbs: [create, patch]
  # Leader election.
  - apiGroups: [coordination.k8s.io]
    resources: [leases]
    verbs: [get, create, update]
{{- end -}}
