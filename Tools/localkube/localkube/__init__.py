"""localkube: a single-machine Kubernetes API server for tests and local mode."""

KUBE_VERSION = "v1.32.4"
