import Foundation

extension FlinkRESTClient {
    /// Uploads a JAR (multipart field `jarfile`) and returns its id.
    public func uploadJar(contents: Data, fileName: String) async throws -> String {
        let boundary = "toolbox-\(UUID().uuidString)"
        var body = Data()
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\"\(fileName)\"\r\n".utf8))
        body.append(Data("Content-Type: application/x-java-archive\r\n\r\n".utf8))
        body.append(contents)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        struct Answer: Decodable {
            var filename: String
            var status: String
        }
        let data = try await send(
            .POST, "/jars/upload", body: body, contentType: "multipart/form-data; boundary=\(boundary)", timeout: timeouts.upload
        )
        let answer = try decode(Answer.self, data, "POST /jars/upload")
        guard answer.status == "success", let id = answer.filename.split(separator: "/").last else {
            throw FlinkError.malformed("upload answered \(answer.status) for \(answer.filename)")
        }
        return String(id)
    }

    /// The uploaded JARs.
    public func jars() async throws -> [UploadedJar] {
        struct Answer: Decodable { var files: [UploadedJar] }
        return try await get("/jars", as: Answer.self).files
    }

    /// Runs an uploaded JAR and returns the new job's id.
    ///
    /// A Flink before 1.17 rejects `flinkConfiguration` as not of the expected format (400; the rejected request started
    /// nothing): the request is then sent once more without it, and the job runs with the cluster's configuration.
    public func runJar(_ jarId: String, _ request: RunRequest) async throws -> String {
        struct Answer: Decodable { var jobid: String }
        do {
            return try await json(.POST, "/jars/\(jarId)/run", body: request, as: Answer.self, timeout: timeouts.run).jobid
        } catch FlinkError.rejected(400, let errors)
            where request.flinkConfiguration != nil && errors.contains(where: { $0.contains("did not match expected format") })
        {
            var plain = request
            plain.flinkConfiguration = nil
            return try await json(.POST, "/jars/\(jarId)/run", body: plain, as: Answer.self, timeout: timeouts.run).jobid
        }
    }

    /// Deletes an uploaded JAR.
    public func deleteJar(_ jarId: String) async throws {
        _ = try await send(.DELETE, "/jars/\(jarId)")
    }
}
