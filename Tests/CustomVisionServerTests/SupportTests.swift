import Foundation
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

    @Test func parsesMultipartBodies() throws {
        let part = "Content-Disposition: form-data; name=\"imageData\"\r\n\r\n"
        let body = Array("--b\r\n\(part)AB\r\n--b\r\n\(part)C\r\n--b--\r\n".utf8)
        let parts = try Multipart.parse(body, boundary: "b")
        #expect(parts.map(\.body) == [Array("AB".utf8), Array("C".utf8)])
        #expect(parts.first?.name == "imageData")
        #expect(Multipart.boundary("multipart/form-data; boundary=\"xy z\"") == "xy z")
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
}
