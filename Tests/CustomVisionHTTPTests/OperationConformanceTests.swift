import CVTestSupport
import CustomVisionHTTP
import Foundation
import Testing

/// Every operation of both specifications is implemented, and the request each method sends — received by a real
/// server on 127.0.0.1 — matches its specification: method, path, query names, key header, body shape.
@Suite struct OperationConformanceTests {
    static let key = "conformance-key-8c1f"

    /// Answers each request with a schema-conforming body for the operation it matches.
    static func specServer() throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer { request in
            for spec in [SpecDocument.training, SpecDocument.prediction] where request.path.hasPrefix(spec.basePath) {
                let path = String(request.path.dropFirst(spec.basePath.count))
                guard let operation = spec.match(method: request.method, path: path) else { break }
                guard let schema = operation.responseSchema else { return .response(status: operation.successStatus) }
                let body = try! JSONSerialization.data(withJSONObject: spec.sample(schema), options: .fragmentsAllowed)
                return .response(
                    status: operation.successStatus, headers: [("Content-Type", "application/json")], body: body)
            }
            return .json(404, #"{"code":"NotFound","message":"no such route"}"#)
        }
    }

    static func clients(_ server: LoopbackHTTPServer) -> (TrainingClient, PredictionClient) {
        let configuration = ClientConfiguration(retryPolicy: .none)
        return (
            TrainingClient(endpoint: server.baseURL, key: key, configuration: configuration),
            PredictionClient(endpoint: server.baseURL, key: key, configuration: configuration)
        )
    }

    @Test func everySpecifiedOperationHasAnImplementation() {
        let training = Set(SpecDocument.training.operations.map(\.id))
        let prediction = Set(SpecDocument.prediction.operations.map(\.id))
        #expect(training.count == 52)
        #expect(prediction.count == 8)
        #expect(training.subtracting(OperationTable.training.keys).sorted() == [], "training operations without a call")
        #expect(
            prediction.subtracting(OperationTable.prediction.keys).sorted() == [],
            "prediction operations without a call")
        #expect(Set(OperationTable.training.keys).subtracting(training).isEmpty)
        #expect(Set(OperationTable.prediction.keys).subtracting(prediction).isEmpty)
    }

    @Test(
        arguments: OperationTable.training.keys.sorted().map { ($0, true) }
            + OperationTable.prediction.keys.sorted().map { ($0, false) })
    func requestMatchesTheSpecification(operationID: String, isTraining: Bool) async throws {
        let server = try Self.specServer()
        defer { server.stop() }
        let (training, prediction) = Self.clients(server)
        let spec = isTraining ? SpecDocument.training : SpecDocument.prediction
        let call = try #require((isTraining ? OperationTable.training : OperationTable.prediction)[operationID])

        try await call(training, prediction)

        let request = try #require(server.requests.first)
        #expect(server.requests.count == 1)
        #expect(request.path.hasPrefix(spec.basePath))
        let matched = try #require(
            spec.match(method: request.method, path: String(request.path.dropFirst(spec.basePath.count))))
        #expect(matched.id == operationID, "\(request.method) \(request.path) routes to \(matched.id)")

        // Query: only specified names, every required one, csv arrays.
        let names = request.queryItems.map(\.name)
        #expect(Set(names).isSubset(of: matched.queryParameters.keys), "\(names)")
        for (name, required) in matched.queryParameters where required {
            #expect(names.contains(name), "missing required query parameter \(name)")
        }
        #expect(Set(names).count == names.count, "repeated query names")
        if let tagIds = request.query("tagIds") { #expect(tagIds.split(separator: ",").count == 2) }

        // Headers: the key under the specification's header name, JSON accepted.
        let keyHeader = isTraining ? "Training-Key" : "Prediction-Key"
        #expect(request.header(keyHeader) == Self.key)
        #expect(request.header("Accept") == "application/json")

        // Body shape.
        if matched.takesFile {
            let parts = try #require(request.multipartParts, "expected multipart/form-data")
            #expect(!parts.isEmpty)
            #expect(parts.allSatisfy { $0.name == "imageData" && $0.data == OperationTable.image })
            #expect(parts.allSatisfy { $0.contentType == "image/jpeg" && $0.filename != nil })
        } else if let schema = matched.bodySchema {
            #expect(request.header("Content-Type")?.hasPrefix("application/json") == true)
            let json = try JSONSerialization.jsonObject(with: request.body)
            let object = try #require(json as? [String: Any], "the body must be a JSON object")
            if let allowed = spec.propertyNames(schema) {
                #expect(Set(object.keys).isSubset(of: allowed), "\(object.keys.sorted()) ⊄ \(allowed.sorted())")
            }
            #expect(!object.isEmpty)
        } else {
            #expect(request.body.isEmpty, "\(operationID) has no body in the specification")
            if request.method == "POST" { #expect(request.header("Content-Length") == "0") }
        }
    }

    @Test func failuresNameTheirOperation() async throws {
        let server = try LoopbackHTTPServer { _ in
            .json(
                400, #"{"code":"BadRequestInvalidIds","message":"bad ids"}"#, headers: [("apim-request-id", "req-42")])
        }
        defer { server.stop() }
        let (training, prediction) = Self.clients(server)
        for (id, call) in OperationTable.training.merging(OperationTable.prediction, uniquingKeysWith: { a, _ in a }) {
            let error = await #expect(throws: CustomVisionClientError.self, "\(id)") {
                try await call(training, prediction)
            }
            #expect(error?.operationID == id)
            #expect(error?.status == 400)
            #expect(error?.code == .badRequestInvalidIds)
            #expect(error?.requestID == "req-42")
            #expect(error?.kind == .service)
        }
        #expect(server.requests.count == 60)
    }

    @Test func pathsAndQueriesArePercentEncoded() async throws {
        let server = try Self.specServer()
        defer { server.stop() }
        let (training, prediction) = Self.clients(server)
        try await OperationTable.training["CreateProject"]!(training, prediction)
        try await OperationTable.prediction["ClassifyImage"]!(training, prediction)
        try await OperationTable.training["GetArtifact"]!(training, prediction)
        let requests = server.requests
        #expect(requests[0].target.contains("name=parts%20%26%20bolts"))
        #expect(requests[0].query("name") == "parts & bolts")
        #expect(requests[0].query("targetExportPlatforms") == "CoreML,ONNX")
        #expect(requests[1].target.contains("/iterations/model%20v1/image"))
        #expect(requests[2].query("path") == "a/b c.jpg")
    }
}
