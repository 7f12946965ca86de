// The models are part of the client's API: importing KubeClient brings them.
@_exported import KubeModels
