import CVTestSupport
@testable import CustomVisionHTTP
import Foundation
import Testing

/// What a client, a request or a log line shows of the secrets it holds: the key, an endpoint password, a SAS
/// signature, an import token — none of them.
@Suite struct SecretPrintingTests {
    static let key = "s3cr3t-training-key-0123456789abcdef"
    static let password = "endpoint-pw-9f8e7d"

    @Test func maskingHidesPasswordsSignaturesAndTokensButKeepsTheRest() {
        let cases: [(String, String)] = [
            ("GET https://user:\(Self.password)@host.example/x?a=1", "GET https://user:***@host.example/x?a=1"),
            ("https://h/cvimages/original/ab?se=1767225600&sig=QmFzZTY0%2Bsig%3D",
             "https://h/cvimages/original/ab?se=1767225600&sig=***"),
            ("POST https://h/customvision/v3.3/training/projects/import?token=EXPORTTOKEN-abc&name=copy",
             "POST https://h/customvision/v3.3/training/projects/import?token=***&name=copy"),
            ("failed: \"https://h/x?SIG=abc\" (403)", "failed: \"https://h/x?SIG=***\" (403)"),
            ("https://h/x?take=256&skip=0", "https://h/x?take=256&skip=0"),
            ("no url here: a=b, user@host", "no url here: a=b, user@host"),
            ("https://user@host/x", "https://user@host/x"),
            ("two: https://h/a?sig=one and https://h/b?token=two#f",
             "two: https://h/a?sig=*** and https://h/b?token=***#f"),
        ]
        for (text, masked) in cases { #expect(SecretMasking.mask(text) == masked) }
    }

    @Test func printingDumpingOrMirroringAClientShowsNoSecret() throws {
        let endpoint = try #require(URL(string: "https://user:\(Self.password)@westus2.api.cognitive.microsoft.com"))
        let training = TrainingClient(endpoint: endpoint, key: Self.key)
        let prediction = PredictionClient(endpoint: endpoint, key: Self.key)
        var request = TransportRequest(method: .get, url: endpoint.appendingPathComponent("x"))
        request.headers.add("Training-Key", Self.key)
        request.headers.add("Authorization", "Bearer \(Self.key)")
        request.headers.add("Accept", "application/json")
        for value in [training as Any, prediction, training.executor, request, request.headers] {
            var dumped = ""
            dump(value, to: &dumped)
            let shown = ["\(value)", String(reflecting: value), dumped,
                         Mirror(reflecting: value).children.map { "\($0.value)" }.joined()]
            for text in shown {
                #expect(!text.contains(Self.key) && !text.contains(Self.password), "\(text)")
            }
        }
        #expect("\(training)" == "TrainingClient(endpoint: https://user:***@westus2.api.cognitive.microsoft.com)")
        #expect("\(request.headers)" == "[Training-Key: ***, Authorization: ***, Accept: application/json]")
        #expect(request.headers["Training-Key"] == Self.key, "the value itself is still there to send")
    }

    @Test func logsOfSignedDownloadsAndImportsShowNeitherSignatureNorToken() async throws {
        let logs = LogCapture()
        let server = try LoopbackHTTPServer { request in
            request.path.hasPrefix("/blob")
                ? .response(status: 200, body: Data("bytes".utf8))
                : .json(400, #"{"code":"BadRequestImportTokenInvalid","message":"bad token"}"#)
        }
        defer { server.stop() }
        let client = TrainingClient(
            endpoint: server.baseURL, key: Self.key,
            configuration: ClientConfiguration(retryPolicy: .none, clock: InstantClock()), logger: logs.logger())
        let signature = "c2lnbmF0dXJlLXNlY3JldA%3D%3D"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("secret-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        _ = try await client.downloadImage(
            server.baseURL.absoluteString + "/blob/1?se=1&sig=\(signature)", projectId: UUID(), to: file)
        let token = "EXPORTTOKEN-0123456789"
        let error = await #expect(throws: CustomVisionClientError.self) {
            try await client.importProject(token: token, name: "copy")
        }
        #expect(server.requests.map(\.target).contains { $0.contains(signature) }, "the signature is sent")
        #expect(server.requests.map(\.target).contains { $0.contains(token) }, "the token is sent")
        let lines = logs.lines
        #expect(lines.contains { $0.contains("sig=***") }, "\(lines)")
        #expect(lines.contains { $0.contains("token=***") }, "\(lines)")
        for text in lines + [error.map(String.init(describing:)) ?? ""] {
            #expect(!text.contains(signature) && !text.contains(token) && !text.contains(Self.key), "\(text)")
        }
    }

    @Test(arguments: [
        ("http://cv.example.com:5080", true), ("HTTP://10.0.0.7", true), ("http://localhost:5080", false),
        ("http://127.0.0.1:5080", false), ("http://[::1]:5080", false), ("http://cvserver.localhost", false),
        ("https://westus2.api.cognitive.microsoft.com", false),
    ])
    func plainHTTPToAnotherMachineIsLoggedAsAWarning(endpoint text: String, warns: Bool) throws {
        let endpoint = try #require(URL(string: text))
        let logs = LogCapture()
        _ = TrainingClient(endpoint: endpoint, key: Self.key, logger: logs.logger())
        _ = PredictionClient(endpoint: endpoint, key: Self.key, logger: logs.logger())
        let warnings = logs.lines.filter { $0.contains("the key travels unencrypted") }
        #expect(warnings.count == (warns ? 2 : 0), "\(logs.lines)")
        #expect(!logs.lines.contains { $0.contains(Self.key) })
    }

    @Test func turningTLSVerificationOffIsLoggedAsAWarning() throws {
        let logs = LogCapture()
        let endpoint = try #require(URL(string: "https://westus2.api.cognitive.microsoft.com"))
        _ = TrainingClient(endpoint: endpoint, key: Self.key, configuration: ClientConfiguration(verifyTLS: false),
                           logger: logs.logger())
        let warning = "TLS certificate verification is off for \(endpoint.absoluteString)"
        #expect(logs.lines.contains { $0.contains(warning) }, "\(logs.lines)")
        let quiet = LogCapture()
        _ = TrainingClient(endpoint: endpoint, key: Self.key, logger: quiet.logger())
        #expect(quiet.lines.isEmpty, "verification on (the default): nothing to say")
    }
}
