import KubeClient
import ServiceKit
import ToolboxAPI
import ToolboxCore

/// The control plane (`/api/v1`): every route of the original, answered with its envelope.
struct ControlPlaneHandlers: ToolboxAPIHandlers {
    let service: ControlPlaneService
    let supervisors: SupervisorGateway

    typealias Envelope = Components.Schemas.Envelope

    // MARK: deployments

    func listDeployments(_ input: Operations.ListDeployments.Input) async throws -> Operations.ListDeployments.Output {
        await .answer { try ResponseEnvelope.ok(try service.deploymentNames()) }
    }

    func getDeploymentStatus(_ input: Operations.GetDeploymentStatus.Input) async throws -> Operations.GetDeploymentStatus.Output {
        await .answer { try ResponseEnvelope.ok(try service.deployment(input.path.deploymentName).status ?? .init()) }
    }

    func createDeployment(_ input: Operations.CreateDeployment.Input) async throws -> Operations.CreateDeployment.Output {
        await .answer {
            guard case .json(let spec) = input.body else { throw ControlPlaneError.badRequest("expected a FlinkDeployment spec") }
            try await service.createDeployment(input.path.deploymentName, spec: spec)
            return ResponseEnvelope.done
        }
    }

    func updateDeployment(_ input: Operations.UpdateDeployment.Input) async throws -> Operations.UpdateDeployment.Output {
        await .answer {
            guard case .json(let spec) = input.body else { throw ControlPlaneError.badRequest("expected a FlinkDeployment spec") }
            try service.validate(input.path.deploymentName, "deployment")
            try await service.replaceSpec(FlinkDeployment.self, name: input.path.deploymentName, spec: spec)
            return ResponseEnvelope.done
        }
    }

    func deleteDeployment(_ input: Operations.DeleteDeployment.Input) async throws -> Operations.DeleteDeployment.Output {
        await .answer {
            try service.validate(input.path.deploymentName, "deployment")
            try await service.delete(FlinkDeployment.self, name: input.path.deploymentName)
            return ResponseEnvelope.done
        }
    }

    // MARK: clusters

    func listClusters(_ input: Operations.ListClusters.Input) async throws -> Operations.ListClusters.Output {
        await .answer { try ResponseEnvelope.ok(try service.clusterNames()) }
    }

    func getClusterStatus(_ input: Operations.GetClusterStatus.Input) async throws -> Operations.GetClusterStatus.Output {
        await .answer { try clusterStatus(input.path.clusterName) }
    }

    func getClusterStatusAlias(_ input: Operations.GetClusterStatusAlias.Input) async throws -> Operations.GetClusterStatusAlias.Output {
        await .answer { try clusterStatus(input.path.clusterName) }
    }

    private func clusterStatus(_ name: String) throws -> Envelope {
        try ResponseEnvelope.ok(try service.clusterObject(name).status ?? .init())
    }

    func createCluster(_ input: Operations.CreateCluster.Input) async throws -> Operations.CreateCluster.Output {
        await .answer {
            guard case .json(let spec) = input.body else { throw ControlPlaneError.badRequest("expected a FlinkCluster spec") }
            try await service.createCluster(input.path.clusterName, spec: spec)
            return ResponseEnvelope.done
        }
    }

    func updateCluster(_ input: Operations.UpdateCluster.Input) async throws -> Operations.UpdateCluster.Output {
        await .answer {
            guard case .json(let spec) = input.body else { throw ControlPlaneError.badRequest("expected a FlinkCluster spec") }
            try service.validate(input.path.clusterName, "cluster")
            try await service.replaceSpec(FlinkCluster.self, name: input.path.clusterName, spec: spec)
            return ResponseEnvelope.done
        }
    }

    func deleteCluster(_ input: Operations.DeleteCluster.Input) async throws -> Operations.DeleteCluster.Output {
        await .answer {
            try service.validate(input.path.clusterName, "cluster")
            try await service.delete(FlinkCluster.self, name: input.path.clusterName)
            return ResponseEnvelope.done
        }
    }

    func startCluster(_ input: Operations.StartCluster.Input) async throws -> Operations.StartCluster.Output {
        await .answer { try await clusterAction(.start, input.path.clusterName, input.body) }
    }

    func stopCluster(_ input: Operations.StopCluster.Input) async throws -> Operations.StopCluster.Output {
        await .answer { try await clusterAction(.stop, input.path.clusterName, input.body) }
    }

    private func clusterAction(_ action: RequestedAction, _ name: String, _ body: Components.RequestBodies.StartStop?) async throws -> Envelope {
        try service.validate(name, "cluster")
        var withoutSavepoint = false
        if case .json(let options) = body { withoutSavepoint = options.withoutSavepoint ?? false }
        try await service.request(action, on: FlinkCluster.self, name: name, withoutSavepoint: withoutSavepoint)
        await supervisors.nudge(cluster: name)
        return ResponseEnvelope.done
    }

    func scaleCluster(_ input: Operations.ScaleCluster.Input) async throws -> Operations.ScaleCluster.Output {
        await .answer {
            guard case .json(let request) = input.body else { throw ControlPlaneError.badRequest("expected {\"taskManagers\": n}") }
            try service.validate(input.path.clusterName, "cluster")
            try await service.scale(FlinkCluster.self, name: input.path.clusterName, to: request.taskManagers, what: "taskManagers")
            return ResponseEnvelope.done
        }
    }
}
