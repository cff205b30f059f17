import CVTestSupport
import CustomVisionHTTP
import Foundation
import Testing

/// TLS against `openssl s_server` on 127.0.0.1 with a throw-away self-signed certificate (skipped without openssl).
@Suite(.enabled(if: OpenSSLServer.openssl != nil)) struct TLSTests {
    func transport(verify: Bool = true, caBundle: String? = nil) -> CurlTransport {
        var configuration = CurlTransport.Configuration()
        configuration.verifyTLS = verify
        configuration.caBundlePath = caBundle
        configuration.timeout = .seconds(10)
        return CurlTransport(configuration: configuration)
    }

    @Test func certificatesAreVerifiedByDefaultAndTheCheckCanBeTurnedOff() async throws {
        let server = try await OpenSSLServer.start()
        defer { server.stop() }
        let request = TransportRequest(method: .get, url: server.url)

        let error = await #expect(throws: CurlError.self) { try await transport().send(request) }
        #expect(error?.code == .peerFailedVerification, "a self-signed certificate must be refused")

        let unverified = try await transport(verify: false).send(request)
        #expect(unverified.status == 200)

        let pinned = try await transport(caBundle: server.certificate.path).send(request)
        #expect(pinned.status == 200, "verification passes against the right CA bundle")
    }
}

/// `openssl s_server -www` in a child process.
final class OpenSSLServer: @unchecked Sendable {
    static let openssl: String? = ["/usr/bin/openssl", "/usr/local/bin/openssl", "/opt/homebrew/bin/openssl"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    let url: URL
    let certificate: URL
    private let process: Process
    private let directory: URL

    private init(url: URL, certificate: URL, process: Process, directory: URL) {
        self.url = url
        self.certificate = certificate
        self.process = process
        self.directory = directory
    }

    static func start() async throws -> OpenSSLServer {
        let openssl = try #require(openssl)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cv-tls-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let certificate = directory.appendingPathComponent("cert.pem")
        let key = directory.appendingPathComponent("key.pem")
        let make = Process()
        make.executableURL = URL(fileURLWithPath: openssl)
        make.arguments = [
            // An EC key: made at once, where an RSA key took over 10 s while the whole suite loaded both cores.
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
            "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key.path, "-out", certificate.path,
        ]
        make.standardError = FileHandle.nullDevice
        try make.run()
        for _ in 0..<6000 where make.isRunning { try await Task.sleep(for: .milliseconds(10)) }
        #expect(!make.isRunning && make.terminationStatus == 0, "openssl req failed to make a certificate")
        // A free port: bind one, release it, hand it to openssl. Tests run in parallel, so another may take the port
        // in between; s_server then exits at once and is started again on another port.
        var configuration = CurlTransport.Configuration()
        configuration.verifyTLS = false
        let transport = CurlTransport(configuration: configuration)
        for _ in 0..<5 {
            let probe = try LoopbackHTTPServer { _ in .closeWithoutResponse }
            let port = probe.port
            probe.stop()
            try await Task.sleep(for: .milliseconds(50))
            let process = Process()
            process.executableURL = URL(fileURLWithPath: openssl)
            process.arguments = [
                "s_server", "-accept", "127.0.0.1:\(port)", "-cert", certificate.path, "-key", key.path, "-www",
                "-quiet",
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let server = OpenSSLServer(
                url: URL(string: "https://127.0.0.1:\(port)/")!, certificate: certificate, process: process,
                directory: directory)
            // Wait until it accepts TLS connections (or has exited: the port was taken).
            for _ in 0..<100 where process.isRunning {
                if (try? await transport.send(TransportRequest(method: .get, url: server.url))) != nil { return server }
                try await Task.sleep(for: .milliseconds(50))
            }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        try? FileManager.default.removeItem(at: directory)
        throw CurlError(code: .couldntConnect, message: "openssl s_server did not start")
    }

    /// SIGKILL: a child may inherit a signal mask that blocks SIGTERM, and `waitUntilExit()` spins on Linux.
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        for _ in 0..<200 where process.isRunning { usleep(10_000) }
        try? FileManager.default.removeItem(at: directory)
    }
}
