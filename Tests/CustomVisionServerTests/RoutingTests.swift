import CVTestSupport
import CustomVisionCore
import CustomVisionServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct RoutingTests {
    @Test(arguments: ["v3.0", "v3.1", "v3.2", "v3.3", "v3.4-preview"])
    func servesEveryTrainingVersion(version: String) async throws {
        try await withServer { cv in
            var cv = cv
            cv.version = version
            let domains = try cv.decode([Domain].self, try await cv.training(.get, "domains"))
            #expect(domains.count == 17)
        }
    }

    @Test func matchesTheAreaSegmentCaseInsensitively() async throws {
        try await withServer { cv in
            let response = try await cv.client.execute(
                uri: "/customvision/v3.3/Training/domains", method: .get,
                headers: [HTTPField.Name("Training-Key")!: trainingKey])
            #expect(response.status == .ok)
        }
    }

    @Test func answersUnknownVersionsWithTheServiceError() async throws {
        try await withServer { cv in
            var cv = cv
            cv.version = "v2.9"
            let error = try cv.error(try await cv.training(.get, "domains"), status: .notFound)
            #expect(error.code == .notFound)
            #expect(error.message.contains("v2.9"))
            let predictionV33 = try await cv.prediction(.post, "\(UUID())/classify/iterations/x/image", version: "v3.3")
            #expect(predictionV33.status == .notFound)
        }
    }

    @Test func unknownRoutesAnswerJSON() async throws {
        try await withServer { cv in
            let error = try cv.error(try await cv.training(.get, "nothing/here"), status: .notFound)
            #expect(error.code == .notFound)
            // Also under the signed image route, which takes no key.
            for uri in ["/cvimages", "/cvimages/original", "/cvimages/original/a/b"] {
                let response = try await cv.client.execute(uri: uri, method: .get)
                #expect(try cv.error(response, status: .notFound).code == .notFound)
            }
        }
    }

    /// The health check answers without a key, in every mode, even under injected faults and a tier's quota.
    @Test func theHealthCheckNeedsNoKeyAndIsNeverFaulted() async throws {
        var configuration = testConfiguration()
        configuration.predictionOnly = true
        configuration.faults = FaultConfiguration(rate: 1, kinds: [.serverError], seed: 1)
        try await withServer(configuration) { cv in
            for _ in 0..<3 {
                let response = try await cv.client.execute(uri: "/healthz", method: .get)
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"status":"ok"}"#)
                #expect(response.headers[.cacheControl] == "no-store")
            }
            let posted = try await cv.client.execute(uri: "/healthz", method: .post)
            #expect(try cv.error(posted, status: .notFound).code == .notFound)
            // The API itself still answers with the injected fault.
            let faulted = try await cv.prediction(.post, "\(UUID())/classify/iterations/x/image")
            #expect(faulted.status == .internalServerError)
        }
    }

    @Test func rejectsMissingAndWrongKeys() async throws {
        try await withServer { cv in
            let missing = try await cv.training(.get, "domains", key: nil)
            #expect(try cv.error(missing, status: .unauthorized).code.rawValue == "Unauthorized")
            _ = try cv.error(try await cv.training(.get, "domains", key: "wrong"), status: .unauthorized)
            // The prediction key does not open training routes, nor the training key prediction routes.
            _ = try cv.error(try await cv.training(.get, "domains", key: predictionKey), status: .unauthorized)
            let onPrediction = try await cv.prediction(
                .post, "\(UUID())/classify/iterations/x/image", key: trainingKey)
            _ = try cv.error(onPrediction, status: .unauthorized)
        }
    }

    @Test func acceptsTheSubscriptionKeyHeaderForPrediction() async throws {
        try await withServer { cv in
            let response = try await cv.prediction(
                .post, "\(UUID())/classify/iterations/x/image", body: reds(1)[0],
                contentType: "application/octet-stream", header: "Ocp-Apim-Subscription-Key")
            // Authorized: the project does not exist, so 404 rather than 401.
            #expect(try cv.error(response, status: .notFound).code == .notFoundProject)
        }
    }

    @Test func acceptsTheSubscriptionKeyHeaderForTrainingWithTheTrainingKeyOnly() async throws {
        try await withServer { cv in
            let header = "Ocp-Apim-Subscription-Key"
            #expect(try await cv.training(.get, "domains", key: trainingKey, header: header).status == .ok)
            let withPredictionKey = try await cv.training(.get, "domains", key: predictionKey, header: header)
            _ = try cv.error(withPredictionKey, status: .unauthorized)
            let onPrediction = try await cv.prediction(
                .post, "\(UUID())/classify/iterations/x/image", header: header, key: trainingKey)
            _ = try cv.error(onPrediction, status: .unauthorized)
        }
    }

    @Test func sendsIdsInLowerCaseAsTheServiceDoes() async throws {
        try await withServer { cv in
            let project = try await cv.createProject("Case")
            let response = try await cv.training(.get, "projects/\(project.id)")
            let text = String(buffer: response.body)
            #expect(text.contains("\"id\":\"\(project.id.uuidString.lowercased())\""))
            #expect(!text.contains(project.id.uuidString))
            #expect(text.contains("\"name\":\"Case\""))
        }
    }

    @Test func malformedIdsAreBadRequests() async throws {
        try await withServer { cv in
            let response = try await cv.training(.get, "projects/123")
            #expect(try cv.error(response, status: .badRequest).code == .badRequestInvalidIds)
        }
    }
}
