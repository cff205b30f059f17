import CVTestSupport
import Foundation
import NIOCore
import Testing

@testable import CustomVisionServer

@Suite struct SupportTests {
    @Test func classifiesLocalAddresses() {
        #expect(URLFetcher.isLocal([127, 0, 0, 1]))
        #expect(URLFetcher.isLocal([10, 1, 2, 3]))
        #expect(URLFetcher.isLocal([172, 20, 0, 1]))
        #expect(URLFetcher.isLocal([192, 168, 1, 1]))
        #expect(URLFetcher.isLocal([169, 254, 169, 254]))
        #expect(!URLFetcher.isLocal([8, 8, 8, 8]))
        #expect(!URLFetcher.isLocal([172, 32, 0, 1]))
        var v6Loopback = [UInt8](repeating: 0, count: 16)
        v6Loopback[15] = 1
        #expect(URLFetcher.isLocal(v6Loopback))
        let mapped: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1]
        #expect(URLFetcher.isLocal(mapped))
    }

    @Test func fetcherRefusesNonHTTPAndLoopbackTargets() async {
        let fetcher = URLFetcher(allowLocal: false)
        await #expect(throws: URLFetcher.Failure.self) { try await fetcher.fetch("file:///etc/passwd", limit: 10) }
        await #expect(throws: URLFetcher.Failure.self) { try await fetcher.fetch("http://127.0.0.1:9/x", limit: 10) }
        await #expect(throws: URLFetcher.Failure.self) { try await fetcher.fetch("http://localhost:9/x", limit: 10) }
    }

    @Test func fetcherStopsAtTheByteLimitWithoutReadingTheRest() async throws {
        // Declares 64 MB, sends 2 MB, then closes: the fetch must end on the declared length, not wait for or keep
        // the body (it once buffered every byte a URL sent and only then compared the size).
        let server = try LoopbackHTTPServer { _ in
            .closeMidResponse(status: 200, declaredLength: 64 << 20, sent: Data(count: 2 << 20))
        }
        defer { server.stop() }
        let fetcher = URLFetcher(allowLocal: true)
        await #expect {
            try await fetcher.fetch(server.baseURL.absoluteString + "/big", limit: 1 << 20)
        } throws: { error in
            (error as? URLFetcher.Failure)?.description.contains("exceeds") == true
        }
        let small = try LoopbackHTTPServer { _ in .response(status: 200, body: Data(count: 3 << 20)) }
        defer { small.stop() }
        await #expect {
            try await fetcher.fetch(small.baseURL.absoluteString + "/undeclared", limit: 1 << 20)
        } throws: { error in
            (error as? URLFetcher.Failure)?.description.contains("exceeds") == true
        }
        #expect(try await fetcher.fetch(small.baseURL.absoluteString + "/fits", limit: 3 << 20).count == 3 << 20)
    }

    @Test func fetcherGivesUpOnAURLThatNeverFinishes() async throws {
        // A byte every 20 ms is never idle; the whole body would take 20 s, and a slower drip forever.
        let server = try LoopbackHTTPServer { _ in .drip(length: 1000, every: .milliseconds(20)) }
        defer { server.stop() }
        var fetcher = URLFetcher(allowLocal: true)
        fetcher.deadline = 0.5
        await #expect {
            try await fetcher.fetch(server.baseURL.absoluteString + "/drip", limit: 1 << 20)
        } throws: { error in
            (error as? URLFetcher.Failure)?.description.contains("took too long") == true
        }
    }

    @Test func parsesMultipartBodies() throws {
        let part = "Content-Disposition: form-data; name=\"imageData\"\r\n\r\n"
        let body = Array("--b\r\n\(part)AB\r\n--b\r\n\(part)C\r\n--b--\r\n".utf8)
        let parts = try Multipart.parse(body, boundary: "b")
        #expect(parts.map(\.body) == [Array("AB".utf8), Array("C".utf8)])
        #expect(parts.first?.name == "imageData")
        #expect(Multipart.boundary("multipart/form-data; boundary=\"xy z\"") == "xy z")
        let named = "Content-Disposition: form-data; name=\"imageData\"; filename=\"a; b.png\"\r\n\r\n"
        let token = "Content-Disposition: form-data; name=imageData; FILENAME=c.jpg\r\nContent-Type: image/jpeg\r\n\r\n"
        let files = try Multipart.parse(Array("--b\r\n\(named)A\r\n--b\r\n\(token)B\r\n--b--".utf8), boundary: "b")
        #expect(files.map(\.filename) == ["\"a; b.png\"", "c.jpg"])
        #expect(parts.map(\.filename) == [nil, nil])
    }

    @Test func multipartBodiesOfHostileShapeNeitherTrapNorCrawl() throws {
        // The header block's end once sat past the part's end: the body slice's bounds crossed and the server
        // trapped, on a 17-byte prediction body.
        #expect(try Multipart.parse(Array("--b\r\nX\r\n\r\n--b--".utf8), boundary: "b").isEmpty)
        // A delimiter every three bytes: each part's header search once ran to the end of the body, hours for
        // a 4 MB prediction body (here 1 MB).
        #expect(try Multipart.parse([UInt8](repeating: UInt8(ascii: "-"), count: 1 << 20), boundary: "-").isEmpty)
        // A part without headers starts with the empty line.
        let bare = try Multipart.parse(Array("--b\r\n\r\nAB\r\n--b--".utf8), boundary: "b")
        #expect(bare.map(\.body) == [Array("AB".utf8)])
        // More parts than a batch holds are refused as the first extra one is found.
        let many = Array(String(repeating: "--b\r\n\r\nX\r\n", count: 5).utf8) + Array("--b--".utf8)
        #expect(throws: APIError.self) { try Multipart.parse(many, boundary: "b", maxParts: 4) }
        #expect(try Multipart.parse(many, boundary: "b", maxParts: 5).count == 5)
    }

    @Test func zipEntriesCarryTheirCRC() {
        #expect(ZipWriter.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        var zip = ZipWriter()
        zip.add("a.txt", Array("hello".utf8))
        #expect(unzipStored(zip.finish())["a.txt"] == Array("hello".utf8))
    }

    @Test func metadataFiltersCombineAndOr() throws {
        let filter = try MetadataFilter("a eq '1' and b ne '2' or c eq '3'")
        #expect(filter.matches(["a": "1", "b": "5"]))
        #expect(!filter.matches(["a": "1", "b": "2"]))
        #expect(filter.matches(["c": "3"]))
        #expect(throws: APIError.self) { try MetadataFilter("a gt 1") }
    }

    @Test func localAddressesBecomeURLAuthorities() throws {
        #expect(FrontContext.authority(try SocketAddress(ipAddress: "127.0.0.1", port: 5080)) == "127.0.0.1:5080")
        #expect(FrontContext.authority(try SocketAddress(ipAddress: "::1", port: 8080)) == "[::1]:8080")
        #expect(FrontContext.authority(try SocketAddress(unixDomainSocketPath: "/tmp/cv.sock")) == nil)
    }
}
