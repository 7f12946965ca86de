import KubeClient
import ServiceKit
import ToolboxAPI
import ToolboxCore

extension ControlPlaneHandlers {
    func listJobs(_ input: Operations.ListJobs.Input) async throws -> Operations.ListJobs.Output {
        await .answer { try ResponseEnvelope.ok(try service.jobNames(cluster: input.path.clusterName)) }
    }

    func listJobsAlias(_ input: Operations.ListJobsAlias.Input) async throws -> Operations.ListJobsAlias.Output {
        await .answer { try ResponseEnvelope.ok(try service.jobNames(cluster: input.path.clusterName)) }
    }

    func getJobStatus(_ input: Operations.GetJobStatus.Input) async throws -> Operations.GetJobStatus.Output {
        await .answer { try jobStatus(input.path.clusterName, input.path.jobName) }
    }

    func getJobStatusAlias(_ input: Operations.GetJobStatusAlias.Input) async throws -> Operations.GetJobStatusAlias.Output {
        await .answer { try jobStatus(input.path.clusterName, input.path.jobName) }
    }

    func listSavepoints(_ input: Operations.ListSavepoints.Input) async throws -> Operations.ListSavepoints.Output {
        await .answer {
            let job = try service.jobObject(cluster: input.path.clusterName, job: input.path.jobName)
            return try ResponseEnvelope.ok(job.status?.savepointHistory ?? [])
        }
    }

    private func jobStatus(_ cluster: String, _ job: String) throws -> Envelope {
        try ResponseEnvelope.ok(try service.jobObject(cluster: cluster, job: job).status ?? .init())
    }

    func createJob(_ input: Operations.CreateJob.Input) async throws -> Operations.CreateJob.Output {
        await .answer {
            guard case .json(let spec) = input.body else { throw ControlPlaneError.badRequest("expected a FlinkJob spec") }
            try await service.createJob(cluster: input.path.clusterName, job: input.path.jobName, spec: spec)
            return ResponseEnvelope.done
        }
    }

    func updateJob(_ input: Operations.UpdateJob.Input) async throws -> Operations.UpdateJob.Output {
        await .answer {
            guard case .json(var spec) = input.body else { throw ControlPlaneError.badRequest("expected a FlinkJob spec") }
            let job = try service.jobObject(cluster: input.path.clusterName, job: input.path.jobName)
            spec.clusterName = input.path.clusterName
            try await service.replaceSpec(FlinkJob.self, name: job.metadata.name ?? "", spec: spec)
            return ResponseEnvelope.done
        }
    }

    func deleteJob(_ input: Operations.DeleteJob.Input) async throws -> Operations.DeleteJob.Output {
        await .answer {
            let job = try service.jobObject(cluster: input.path.clusterName, job: input.path.jobName)
            try await service.delete(FlinkJob.self, name: job.metadata.name ?? "")
            return ResponseEnvelope.done
        }
    }

    func startJob(_ input: Operations.StartJob.Input) async throws -> Operations.StartJob.Output {
        await .answer { try await jobAction(.start, input.path.clusterName, input.path.jobName, body: input.body) }
    }

    func stopJob(_ input: Operations.StopJob.Input) async throws -> Operations.StopJob.Output {
        await .answer { try await jobAction(.stop, input.path.clusterName, input.path.jobName, body: input.body) }
    }

    func triggerSavepoint(_ input: Operations.TriggerSavepoint.Input) async throws -> Operations.TriggerSavepoint.Output {
        await .answer { try await jobAction(.triggerSavepoint, input.path.clusterName, input.path.jobName) }
    }

    func triggerSavepointAlias(_ input: Operations.TriggerSavepointAlias.Input) async throws -> Operations.TriggerSavepointAlias.Output {
        await .answer { try await jobAction(.triggerSavepoint, input.path.clusterName, input.path.jobName) }
    }

    func forgetSavepoint(_ input: Operations.ForgetSavepoint.Input) async throws -> Operations.ForgetSavepoint.Output {
        await .answer { try await jobAction(.forgetSavepoint, input.path.clusterName, input.path.jobName) }
    }

    func forgetSavepointAlias(_ input: Operations.ForgetSavepointAlias.Input) async throws -> Operations.ForgetSavepointAlias.Output {
        await .answer { try await jobAction(.forgetSavepoint, input.path.clusterName, input.path.jobName) }
    }

    private func jobAction(
        _ action: RequestedAction, _ cluster: String, _ job: String, body: Components.RequestBodies.StartStop? = nil
    ) async throws -> Envelope {
        let object = try service.jobObject(cluster: cluster, job: job)
        var withoutSavepoint: Bool?
        if action == .start || action == .stop {
            withoutSavepoint = false
            if case .json(let options) = body { withoutSavepoint = options.withoutSavepoint ?? false }
        }
        try await service.request(action, on: FlinkJob.self, name: object.metadata.name ?? "", withoutSavepoint: withoutSavepoint)
        await supervisors.nudge(cluster: cluster)
        return ResponseEnvelope.done
    }

    func scaleJob(_ input: Operations.ScaleJob.Input) async throws -> Operations.ScaleJob.Output {
        await .answer {
            guard case .json(let request) = input.body else { throw ControlPlaneError.badRequest("expected {\"parallelism\": n}") }
            let job = try service.jobObject(cluster: input.path.clusterName, job: input.path.jobName)
            try await service.scale(FlinkJob.self, name: job.metadata.name ?? "", to: request.parallelism, what: "parallelism")
            return ResponseEnvelope.done
        }
    }
}
