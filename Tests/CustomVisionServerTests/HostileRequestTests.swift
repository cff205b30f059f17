import CVTestSupport
import CustomVisionCore
import CustomVisionServer
import CustomVisionTraining
import Foundation
import Glibc
import HTTPTypes
import HummingbirdTesting
import ImagePrep
import NIOCore
import Synchronization
import Testing

/// Hostile query strings and bodies: each once crashed the server or was silently accepted.
@Suite struct HostileRequestTests {
    @Test func queryPiecesWithoutANameAreIgnored() async throws {
        try await withServer { cv in
            let project = try await cv.createProject()
            // `=` alone once indexed an empty split and trapped, taking the whole server down.
            let tag = try cv.decode(
                CustomVisionCore.Tag.self, try await cv.training(.post, "projects/\(project.id)/tags?name=t&="))
            #expect(tag.name == "t")
            // The signed image route parses its query before any key is checked.
            let image = try await cv.client.execute(uri: "/cvimages/original/x?=", method: .get)
            #expect(try cv.error(image, status: .forbidden).code == .forbidden)
            // `=v` is a value without a name, not a parameter `v`.
            let unnamed = try await cv.training(.post, "projects?=name")
            #expect(try cv.error(unnamed, status: .badRequest).code == .badRequestRequiredParamIsNull)
        }
    }

    @Test func idListsMayAlsoRepeatTheirName() async throws {
        try await withServer { cv in
            let project = try await cv.createProject()
            let ids = try #require(try await cv.upload(project.id, reds(3)).images?.compactMap { $0.image?.id })
            // Only the last of a repeated name was read: `imageIds=a&imageIds=b` deleted b alone.
            let query = ids.prefix(2).map { "imageIds=\($0)" }.joined(separator: "&")
            let deleted = try await cv.training(.delete, "projects/\(project.id)/images?\(query)")
            #expect(deleted.status == .noContent)
            let left = try cv.decode([Image].self, try await cv.training(.get, "projects/\(project.id)/images"))
            #expect(left.map(\.id) == [ids[2]])
        }
    }

    @Test func errorMessagesNameIdsInLowerCase() async throws {
        try await withServer { cv in
            let project = try await cv.createProject()
            let tag = try await cv.createTag(project.id, "t")
            let image = UUID()
            let region = ImageRegionCreateEntry(imageId: image, tagId: tag.id, left: 0, top: 0, width: 0.5, height: 0.5)
            let response = try await cv.training(
                .post, "projects/\(project.id)/images/regions", json: ImageRegionCreateBatch(regions: [region]))
            let error = try cv.error(response, status: .notFound)
            #expect(error.code == .notFoundImage && error.message.contains(image.uuidString.lowercased()))
            let domain = UUID()
            let unknown = try await cv.training(.post, "projects?name=x&domainId=\(domain)")
            #expect(try cv.error(unknown, status: .badRequest).message.contains(domain.uuidString.lowercased()))
        }
    }

    @Test func getTagReadsItsIterationIdAsGetTagsDoes() async throws {
        try await withServer { cv in
            let (project, red, _) = try await redBlueProject(cv)
            let iteration = try await trainAndWait(cv, project.id)
            let later = try await cv.createTag(project.id, "later")
            let path = "projects/\(project.id)/tags"
            // The iterationId was ignored: an unknown one answered the tag, as did one the tag was never in.
            let unknown = try await cv.training(.get, "\(path)/\(red.id)?iterationId=\(UUID())")
            #expect(try cv.error(unknown, status: .notFound).code == .notFoundIteration)
            let untrained = try await cv.training(.get, "\(path)/\(later.id)?iterationId=\(iteration.id)")
            #expect(try cv.error(untrained, status: .notFound).code == .notFoundTag)
            // A tag deleted since is still the iteration's, under the name it had.
            #expect(try await cv.training(.delete, "\(path)/\(red.id)").status == .noContent)
            let trained = try await cv.training(.get, "\(path)/\(red.id)?iterationId=\(iteration.id)")
            #expect(try cv.decode(CustomVisionCore.Tag.self, trained).name == "red")
        }
    }

    @Test func queryTokensWithNegativeCountsDoNotTrap() async throws {
        try await withServer { cv in
            let (project, _, _) = try await redBlueProject(cv)
            let iteration = try await trainAndWait(cv, project.id)
            let predictions = "projects/\(project.id)/predictions/query"
            let negative = try await cv.training(.post, predictions, json: PredictionQueryToken(maxCount: -1))
            #expect(try cv.error(negative, status: .badRequest).code == .badRequestPredictionInvalidQueryParameters)
            // An orderBy the service does not know, or a tag without an id, is refused; known ones bind ignoring case.
            var unknown = PredictionQueryToken()
            unknown.orderBy = "__not_in_enum__"
            let unknownOrder = try await cv.training(.post, predictions, json: unknown)
            #expect(try cv.error(unknownOrder, status: .badRequest).code == .badRequestPredictionInvalidQueryParameters)
            var untagged = PredictionQueryToken()
            untagged.tags = [PredictionQueryTag(minThreshold: 0.5)]
            let noTagId = try await cv.training(.post, predictions, json: untagged)
            #expect(try cv.error(noTagId, status: .badRequest).code == .badRequestPredictionInvalidQueryParameters)
            var lower = PredictionQueryToken()
            lower.orderBy = "oldest"
            let ordered = try cv.decode(
                PredictionQueryResult.self, try await cv.training(.post, predictions, json: lower))
            #expect(ordered.token?.orderBy == .oldest)
            // A continuation this server did not hand out starts over.
            let restart = try cv.decode(
                PredictionQueryResult.self,
                try await cv.training(.post, predictions, json: PredictionQueryToken(continuation: "-3")))
            #expect(restart.results?.isEmpty == true)

            let suggested = "projects/\(project.id)/images/suggested?iterationId=\(iteration.id)"
            let negativeSuggested = try await cv.training(
                .post, suggested, json: SuggestedTagAndRegionQueryToken(maxCount: -1))
            #expect(try cv.error(negativeSuggested, status: .badRequest).code == .badRequest)
            let page = try cv.decode(
                SuggestedTagAndRegionQuery.self,
                try await cv.training(.post, suggested, json: SuggestedTagAndRegionQueryToken(continuation: "-1")))
            #expect(page.results?.isEmpty == true)
        }
    }

    @Test func refusesABudgetBeyondInt32() async throws {
        try await withServer { cv in
            let (project, _, _) = try await redBlueProject(cv)
            // Hours as seconds once overflowed and trapped after the iteration was stored as Training.
            let huge = try await cv.training(
                .post, "projects/\(project.id)/train?trainingType=Advanced&reservedBudgetInHours=\(Int.max / 1000)")
            #expect(try cv.error(huge, status: .badRequest).code == .badRequest)
            let iterations = try cv.decode(
                [Iteration].self, try await cv.training(.get, "projects/\(project.id)/iterations"))
            #expect(iterations.isEmpty)
        }
    }

    @Test func refusesTrainingParametersItCannotRead() async throws {
        try await withServer { cv in
            let (project, red, _) = try await redBlueProject(cv)
            // Ignoring a malformed selectedTags would train every tag.
            let malformed = try await cv.training(
                .post, "projects/\(project.id)/train", body: Array(#"{"selectedTags":"\#(red.id)"}"#.utf8),
                contentType: "application/json")
            #expect(try cv.error(malformed, status: .badRequest).code == .badRequest)
            let none = try await cv.training(.get, "projects/\(project.id)/iterations")
            #expect(try cv.decode([Iteration].self, none).isEmpty)
            // `null` is no parameters, as an absent body.
            let null = try await cv.training(
                .post, "projects/\(project.id)/train", body: Array("null".utf8), contentType: "application/json")
            let iteration = try cv.decode(Iteration.self, null)
            #expect(try await cv.waitForIteration(project.id, iteration.id).status == .completed)
        }
    }

    @Test func updateProjectChecksNameAndClassificationAsCreateDoes() async throws {
        try await withServer { cv in
            let first = try await cv.createProject("first")
            let second = try await cv.createProject("second")
            let taken = try await cv.training(.patch, "projects/\(second.id)", json: ["name": "first"])
            #expect(try cv.error(taken, status: .badRequest).code == .badRequestProjectNameNotUnique)
            let bogus = try await cv.training(
                .patch, "projects/\(second.id)", json: ["settings": ["classificationType": "Bogus"]])
            #expect(try cv.error(bogus, status: .badRequest).code == .badRequestProjectUnknownClassification)
            let stored = try cv.decode(Project.self, try await cv.training(.get, "projects/\(second.id)"))
            #expect(stored.name == "second" && stored.settings.classificationType == .multiclass)
            // Renaming a project to its own name is no conflict.
            let same = try await cv.training(.patch, "projects/\(first.id)", json: ["name": "first"])
            #expect(try cv.decode(Project.self, same).name == "first")
        }
    }

    @Test func updateTagChecksTypeAndTrimsTheNameAsCreateDoes() async throws {
        try await withServer { cv in
            let project = try await cv.createProject()
            let tag = try await cv.createTag(project.id, "t")
            let path = "projects/\(project.id)/tags/\(tag.id)"
            let bogus = try await cv.training(.patch, path, json: ["type": "Bogus"])
            #expect(try cv.error(bogus, status: .badRequest).code == .badRequestTagType)
            let renamed = try cv.decode(
                CustomVisionCore.Tag.self, try await cv.training(.patch, path, json: ["name": " u "]))
            #expect(renamed.name == "u" && renamed.type == .regular)
        }
    }

    @Test func refusesImportBundlesThatWouldPlantBrokenRecords() async throws {
        try await withServer(testConfiguration(allowLocalURLs: true)) { cv in
            let (project, _, _) = try await redBlueProject(cv, name: "source")
            _ = try await trainAndWait(cv, project.id)
            let exported = try cv.decode(
                ProjectExport.self, try await cv.training(.get, "projects/\(project.id)/export"))
            let signed = try #require(
                exported.token.flatMap { Data(base64Encoded: $0) }.flatMap { String(data: $0, encoding: .utf8) })
            let path = try #require(URLComponents(string: signed)).percentEncodedPath
            let query = try #require(URLComponents(string: signed)?.percentEncodedQuery)
            let bytes = try await cv.client.execute(uri: "\(path)?\(query)", method: .get).body
            let bundle = try #require(
                try JSONSerialization.jsonObject(with: Data(bytes.readableBytesView)) as? [String: Any])
            // Each once imported, then trapped (an index past tagNames, a duplicate dictionary key), made every
            // prediction allocate billions of pixels, or blocked training.
            func inIteration(_ edit: @escaping (inout [String: Any]) -> Void) -> (inout [String: Any]) -> Void {
                { bundle in
                    var iterations = bundle["iterations"] as? [[String: Any]] ?? []
                    edit(&iterations[0])
                    bundle["iterations"] = iterations
                }
            }
            let garbage = Array("not a model".utf8)
            func inSettings(_ key: String, _ value: Any) -> (inout [String: Any]) -> Void {
                { bundle in
                    var project = bundle["project"] as? [String: Any] ?? [:]
                    var settings = project["settings"] as? [String: Any] ?? [:]
                    settings[key] = value
                    project["settings"] = settings
                    bundle["project"] = project
                }
            }
            let tamperings: [(inout [String: Any]) -> Void] = [
                // Settings no create or update accepts: stored as they came.
                inSettings("domainId", UUID().uuidString),
                inSettings("targetExportPlatforms", ["Bogus"]),
                inIteration { $0["tagNames"] = [] as [String] },
                inIteration { iteration in
                    let ids = iteration["tagIds"] as? [String] ?? []
                    iteration["tagIds"] = ids.map { _ in ids[0] }
                },
                inIteration { $0["inputSize"] = ["width": 1 << 40, "height": 1 << 40] },
                // Training blocked the project's training until a restart.
                inIteration { iteration in
                    var it = iteration["iteration"] as? [String: Any] ?? [:]
                    it["status"] = "Training"
                    iteration["iteration"] = it
                },
                // A model this server cannot load.
                { bundle in
                    var blobs = bundle["blobs"] as? [String: Any] ?? [:]
                    blobs[SHA256.hex(garbage)] = Data(garbage).base64EncodedString()
                    bundle["blobs"] = blobs
                    inIteration { $0["model"] = SHA256.hex(garbage) }(&bundle)
                },
            ]
            for tamper in tamperings {
                var hostile = bundle
                tamper(&hostile)
                let body = try JSONSerialization.data(withJSONObject: hostile)
                let host = try LoopbackHTTPServer { _ in .response(status: 200, body: body) }
                defer { host.stop() }
                let token = try #require(
                    Data("\(host.baseURL.absoluteString)/bundle".utf8).base64EncodedString()
                        .addingPercentEncoding(withAllowedCharacters: .alphanumerics))
                let refused = try await cv.training(.post, "projects/import?token=\(token)&name=copy")
                #expect(try cv.error(refused, status: .badRequest).code == .badRequestInvalidImportToken)
            }
            let projects = try cv.decode([Project].self, try await cv.training(.get, "projects"))
            #expect(projects.map(\.name) == ["source"])
        }
    }

    @Test func createBatchesCheckTheirMetadataAsUpdateDoes() async throws {
        try await withServer { cv in
            let project = try await cv.createProject()
            let image = ImageFileCreateEntry(name: "a", contents: Data(reds(1)[0]))
            let pairs = Dictionary(uniqueKeysWithValues: (0...50).map { ("k\($0)", "v") })
            let cases: [([String: String], CustomVisionErrorCode)] = [
                (pairs, .badRequestImageMetadataKey),
                ([String(repeating: "k", count: 257): "v"], .badRequestImageMetadataKey),
                (["": "v"], .badRequestImageMetadataKey),
                (["k": String(repeating: "v", count: 513)], .badRequestImageMetadataValue),
            ]
            for (metadata, code) in cases {
                let batch = ImageFileCreateBatch(images: [image], metadata: metadata)
                let response = try await cv.training(.post, "projects/\(project.id)/images/files", json: batch)
                #expect(try cv.error(response, status: .badRequest).code == code)
            }
            let count = try await cv.training(.get, "projects/\(project.id)/images/count")
            #expect(try cv.decode(Int.self, count) == 0)
            // Fifty pairs fit.
            let fifty = pairs.filter { $0.key != "k0" }
            let fits = ImageFileCreateBatch(images: [image], metadata: fifty)
            let response = try await cv.training(.post, "projects/\(project.id)/images/files", json: fits)
            let created = try cv.decode(ImageCreateSummary.self, response)
            #expect(created.images?.first?.image?.metadata == fifty)
        }
    }

    @Test func predictsWithAPercentEncodedPublishedName() async throws {
        try await withServer { cv in
            let (project, red, _) = try await redBlueProject(cv)
            let iteration = try await trainAndWait(cv, project.id)
            let name = "Iteration%201%20%C3%A9t%C3%A9"  // "Iteration 1 été"
            let iterationPath = "projects/\(project.id)/iterations/\(iteration.id)"
            let publish = "\(iterationPath)/publish?publishName=\(name)&predictionId=p"
            #expect(try cv.decode(Bool.self, try await cv.training(.post, publish)))
            // As an SDK sends it: the path segment percent-encoded.
            let response = try await cv.prediction(
                .post, "\(project.id)/classify/iterations/\(name)/image", body: reds(1)[0],
                contentType: "application/octet-stream")
            #expect(try cv.decode(ImagePrediction.self, response).predictions?.first?.tagId == red.id)
        }
    }

    @Test func suggestedCountsRunTheModelOncePerImageWhateverTheTagCount() async throws {
        let backend = CountingBackend()
        try await withServer(testConfiguration(backend: backend)) { cv in
            let (project, red, _) = try await redBlueProject(cv)
            let iteration = try await trainAndWait(cv, project.id)
            _ = try await cv.upload(project.id, reds(3, offset: 40) + blues(2, offset: 40))
            backend.predictions.withLock { $0 = 0 }
            // A 1 MB body holds some 25,000 ids; each once ran the model over every untagged image.
            let filter = TagFilter(tagIds: (0..<40).map { _ in UUID() } + [red.id, red.id], threshold: 0.6)
            let path = "projects/\(project.id)/images/suggested/count?iterationId=\(iteration.id)"
            let counts = try cv.decode([String: Int].self, try await cv.training(.post, path, json: filter))
            #expect(backend.predictions.withLock { $0 } == 5)
            // The images' scores are kept for the suggestions themselves: the query runs no model.
            let suggested = try cv.decode(
                SuggestedTagAndRegionQuery.self,
                try await cv.training(
                    .post, "projects/\(project.id)/images/suggested?iterationId=\(iteration.id)",
                    json: SuggestedTagAndRegionQueryToken(tagIds: [red.id], threshold: 0.6)))
            #expect(counts.count == 41 && counts[red.id.uuidString.lowercased()] == suggested.results?.count)
            #expect(backend.predictions.withLock { $0 } == 5)
        }
    }

    @Test func iterationNamesStayUnique() async throws {
        try await withServer { cv in
            let (project, _, _) = try await redBlueProject(cv)
            let first = try await trainAndWait(cv, project.id)
            let second = try await trainAndWait(cv, project.id, query: "?forceTrain=true")
            let path = "projects/\(project.id)/iterations"
            let taken = try await cv.training(.patch, "\(path)/\(second.id)", json: ["name": first.name])
            #expect(try cv.error(taken, status: .badRequest).code == .badRequestIterationNameNotUnique)
            // With "Iteration 1" deleted, the next one was named "Iteration 2" again, beside the existing one.
            #expect(try await cv.training(.delete, "\(path)/\(first.id)").status == .noContent)
            let third = try await trainAndWait(cv, project.id, query: "?forceTrain=true")
            #expect(second.name == "Iteration 2" && third.name == "Iteration 3")
        }
    }

    @Test(arguments: [["--training-key", ""], ["--prediction-key", ""]])
    func refusesToStartWithAnEmptyKey(arguments: [String]) async throws {
        let stdout = Pipe()
        let stderr = Pipe()
        let process = try ProcessRunner.start(
            ProcessRunner.executable("cvserver"), ["--in-memory", "--port", "0"] + arguments, stdout: stdout,
            stderr: stderr)
        // The server prints its banner once it listens; a refused start ends stdout without one.
        let banner = String(decoding: stdout.fileHandleForReading.readDataToEndOfFileOrBanner(), as: UTF8.self)
        if banner.contains("training-key:") {
            process.terminate()
            Issue.record("cvserver started with an empty key")
        }
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
        let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(message.contains("key is empty"))
    }

    @Test func aResponseJSONCannotCarryIsAServerErrorNotAnEmptyObject() async throws {
        try await withServer(testConfiguration(backend: NaNBackend())) { cv in
            let (project, _, _) = try await redBlueProject(cv)
            let iteration = try await trainAndWait(cv, project.id)
            // The model answers NaN: the prediction was once sent as `{}` with 200.
            let response = try await cv.training(
                .post, "projects/\(project.id)/quicktest/image?iterationId=\(iteration.id)&store=false",
                body: reds(1)[0], contentType: "application/octet-stream")
            #expect(try cv.error(response, status: .internalServerError).code == .errorUnknown)
        }
    }

    @Test func aChunkedBodyOverTheLimitGetsTheServiceError() async throws {
        var configuration = testConfiguration()
        configuration.maxBodySize = 1000
        try await withLiveServer(configuration) { server in
            // No Content-Length to refuse up front: the limit is found while the pieces are read.
            let piece = String(repeating: "a", count: 600)
            let request = "POST /customvision/v3.3/training/projects/\(UUID())/images/files HTTP/1.1\r\nHost: x\r\n"
                + "Training-Key: \(trainingKey)\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n"
                + "258\r\n\(piece)\r\n258\r\n\(piece)\r\n0\r\n\r\n"
            let port = server.port
            let answer = try await onThread {
                Result {
                    try RawConnection(port: port).exchange(Array(request.utf8)) {
                        String(decoding: $0, as: UTF8.self).contains("}")
                    }.received
                }
            }.get()
            let text = String(decoding: answer, as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 413"), "\(text)")
            #expect(text.contains("\"code\":\"BadRequestImageSizeBytes\""), "\(text)")
        }
    }

    /// NIO refuses these bytes before any route sees them; the 400 still carries the service's error body (it was
    /// empty), after the answer owed to a valid request sent ahead of them on the same connection.
    @Test(arguments: [("a Content-Length that is not a number", "Content-Length"), ("a 90 KB header", "80 KB")])
    func requestsThatAreNotHTTPGetAnErrorBody(fault: String, named: String) async throws {
        let field = named == "80 KB"
            ? "X-Padding: \(String(repeating: "a", count: 90_000))\r\n" : "Content-Length: ten\r\n"
        try await withLiveServer(testConfiguration()) { server in
            let valid = "GET /customvision/v3.3/training/domains HTTP/1.1\r\nHost: x\r\n"
                + "Training-Key: \(trainingKey)\r\n\r\n"
            let broken = "POST /customvision/v3.3/training/projects HTTP/1.1\r\nHost: x\r\n\(field)\r\n"
            let port = server.port
            let (answer, outcome) = try await onThread {
                Result { try RawConnection(port: port).exchange(Array((valid + broken).utf8)) }
            }.get()
            let text = String(decoding: answer, as: UTF8.self)
            #expect(outcome == .closedByServer)
            #expect(text.hasPrefix("HTTP/1.1 200"), "\(text.prefix(300))")
            let parts = text.components(separatedBy: "HTTP/1.1 400 Bad Request\r\n")
            try #require(parts.count == 2, "\(text.suffix(600))")
            let (head, body) = try #require(parts[1].split(separator: "\r\n\r\n", maxSplits: 1).map(String.init)
                .splitPair())
            #expect(head.lowercased().contains("content-type: application/json"), "\(head)")
            #expect(head.lowercased().contains("content-length: \(body.utf8.count)"), "\(head)")
            let error = try JSONDecoder().decode(CustomVisionError.self, from: Data(body.utf8))
            #expect(error.code == .badRequest)
            #expect(error.message.contains(named), "\(error.message)")
        }
    }

    @Test func closesAConnectionThatStopsSendingItsBody() async throws {
        var configuration = testConfiguration()
        configuration.idleTimeout = .milliseconds(300)
        try await withLiveServer(configuration) { server in
            // Declares 100 bytes and sends 3: without an idle timeout the server waited for the rest for good, so
            // a client (or anyone, on the keyless /cvimages route) could hold connections open at no cost.
            let head = "POST /customvision/v3.3/training/projects/\(UUID())/images HTTP/1.1\r\nHost: x\r\n"
                + "Training-Key: \(trainingKey)\r\nContent-Length: 100\r\n\r\nabc"
            let port = server.port
            let outcome = try await onThread {
                Result { try RawConnection(port: port).sendThenReadUntilClosed(Array(head.utf8)) }
            }.get()
            #expect(outcome == .closedByServer)
        }
    }

    /// A wrong key or a declared body over the limit is answered before the body arrives; the server then reads at
    /// most the body limit more before closing. Before, it read all the client sent, whatever the Content-Length.
    @Test(arguments: [("wrong-key", 401), (trainingKey, 413)])
    func anEarlyErrorReadsOnlyABoundedRestOfTheBody(key: String, status: Int) async throws {
        var configuration = testConfiguration()
        configuration.maxBodySize = 256 << 10
        try await withLiveServer(configuration) { server in
            let head = "POST /customvision/v3.3/training/projects/\(UUID())/images/files HTTP/1.1\r\nHost: x\r\n"
                + "Training-Key: \(key)\r\nContent-Type: application/json\r\nContent-Length: \(1 << 30)\r\n\r\n"
            let port = server.port
            let (answer, sent) = try await onThread {
                Result { try RawConnection(port: port).answerThenBody(Array(head.utf8), upTo: 256 << 20) }
            }.get()
            #expect(answer.hasPrefix("HTTP/1.1 \(status)"), "\(answer)")
            #expect(answer.lowercased().contains("connection: close"), "\(answer)")
            #expect(answer.contains(#""code":"#), "\(answer)")
            // The limit plus what the sockets' buffers hold, far below the 256 MB offered.
            #expect(sent < 64 << 20, "the server read \(sent) bytes after answering")
        }
    }
}

extension RawConnection {
    /// Sends `head`, reads the answer's head and body (Content-Length), then sends body bytes until the server
    /// closes or `limit` bytes went: the answer, and the body bytes sent before the connection broke.
    func answerThenBody(_ head: [UInt8], upTo limit: Int) -> (answer: String, sent: Int) {
        defer { close(socket) }
        _ = head.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let text = String(decoding: received, as: UTF8.self)
            if let end = text.range(of: "\r\n\r\n") {
                let length = text[..<end.lowerBound].split(separator: "\r\n")
                    .first { $0.lowercased().hasPrefix("content-length:") }
                    .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                if text[end.upperBound...].utf8.count >= length { break }
            }
            let n = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            received += buffer[..<n]
        }
        let chunk = [UInt8](repeating: 0x41, count: 64 << 10)
        var sent = 0
        while sent < limit {
            let n = chunk.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { break }
            sent += n
        }
        return (String(decoding: received, as: UTF8.self), sent)
    }
}

/// A plain TCP connection to 127.0.0.1, for requests no HTTP client would send.
struct RawConnection {
    enum Outcome: Equatable { case closedByServer, stillOpen }
    let socket: Int32

    init(port: Int) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard socket >= 0, connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        // A safety net far beyond the server's idle timeout, so a server that never closes fails the test
        // instead of hanging it.
        var wait = timeval(tv_sec: 120, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Sends `bytes`, then reads (discarding any answer) until the server closes or the safety net expires.
    func sendThenReadUntilClosed(_ bytes: [UInt8]) -> Outcome { exchange(bytes).outcome }

    /// Sends `bytes`, then reads until `done` holds for what arrived (the connection left open), the server closes
    /// or the safety net expires: what arrived, and how it ended.
    func exchange(_ bytes: [UInt8], until done: ([UInt8]) -> Bool = { _ in false }) -> (
        received: [UInt8], outcome: Outcome
    ) {
        defer { close(socket) }
        _ = bytes.withUnsafeBytes { send(socket, $0.baseAddress, $0.count, 0) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if n == 0 { return (received, .closedByServer) }
            if n < 0 { return (received, errno == ECONNRESET ? .closedByServer : .stillOpen) }
            received += buffer[..<n]
            if done(received) { return (received, .stillOpen) }
        }
    }
}

extension FileHandle {
    /// What the handle yields until end of file or the banner's `training-key:` line, whichever comes first.
    fileprivate func readDataToEndOfFileOrBanner() -> Data {
        var data = Data()
        while !String(decoding: data, as: UTF8.self).contains("training-key:") {
            let chunk = availableData
            if chunk.isEmpty { break }
            data.append(chunk)
        }
        return data
    }
}

/// ``MeanColorBackend`` whose served models count the predictions they make.
final class CountingBackend: ModelBackend, Sendable {
    let predictions = Mutex(0)

    struct Counted: ServedModel {
        let inner: any ServedModel
        let backend: CountingBackend

        func predict(_ image: RGBImage) -> [ModelPrediction] {
            backend.predictions.withLock { $0 += 1 }
            return inner.predict(image)
        }

        func serialized() throws -> Data { try inner.serialized() }
    }

    func train(_ request: TrainingRequest) async throws -> TrainedArtifact {
        var artifact = try await MeanColorBackend().train(request)
        artifact.model = Counted(inner: artifact.model, backend: self)
        return artifact
    }

    func load(_ data: Data) throws -> any ServedModel {
        Counted(inner: try MeanColorBackend().load(data), backend: self)
    }
}

/// ``MeanColorBackend`` whose served models answer NaN probabilities.
struct NaNBackend: ModelBackend {
    struct NaNModel: ServedModel {
        let inner: any ServedModel

        func predict(_ image: RGBImage) -> [ModelPrediction] {
            inner.predict(image).map { ModelPrediction(tag: $0.tag, probability: .nan, box: $0.box) }
        }

        func serialized() throws -> Data { try inner.serialized() }
    }

    func train(_ request: TrainingRequest) async throws -> TrainedArtifact {
        var artifact = try await MeanColorBackend().train(request)
        artifact.model = NaNModel(inner: artifact.model)
        return artifact
    }

    func load(_ data: Data) throws -> any ServedModel { NaNModel(inner: try MeanColorBackend().load(data)) }
}

extension Array where Element == String {
    /// The two elements of a two-element array, or nil.
    fileprivate func splitPair() -> (String, String)? { count == 2 ? (self[0], self[1]) : nil }
}
