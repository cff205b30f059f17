import CustomVisionCore
import Foundation
import Hummingbird

/// ExportProject and ImportProject. The token is a signed URL of a bundle blob (project, tags, images with their
/// bytes, completed iterations with their models) on the exporting server; the importing server reads it locally
/// when it is its own, or fetches it (subject to the URL rules, `--allow-local-urls` for loopback).
struct ProjectTransferController: Sendable {
    let server: ServerContext

    struct Bundle: Codable {
        var project: Project
        var tags: [TagRecord]
        var images: [ImageRecord]
        var iterations: [IterationRecord]
        var blobs: [String: Data]
    }

    func register(_ group: RouterGroup<BasicRequestContext>) {
        group.get("projects/:projectId/export") { request, context in
            let project = try context.parameters.id("projectId")
            let bundle = try server.store.read { data in
                Bundle(
                    project: try data.project(project), tags: data.tags(of: project), images: data.images(of: project),
                    iterations: data.iterations(of: project).filter { $0.iteration.status == .completed },
                    blobs: [:])
            }
            var full = bundle
            for digest in bundle.images.map(\.blob) + bundle.iterations.compactMap(\.model) {
                full.blobs[digest] = server.store.blobs.get(digest).map { Data($0) }
            }
            let encoded = Array(try CustomVisionJSON.makeEncoder().encode(full))
            let blobs = server.store.blobs
            let digest = try await BlockingIO.run { try blobs.put(encoded) }
            let now = Date()
            let url = server.signer.url(base: request.baseURL, kind: "bundle", digest: digest, now: now)
            // Recorded, so the startup sweep keeps the bundle until its token expires; expired bundles go (a
            // bundle's bytes are JSON of a whole project: no image, model or prediction shares its digest).
            let (store, expires) = (server.store, now + server.signer.lifetime + 60)
            try await BlockingIO.run {
                let released = try store.write { data in
                    data.recordProjectExport(project: project, blob: digest, expires: expires, now: now)
                }
                for blob in released { blobs.remove(blob) }
            }
            let token = Data(url.utf8).base64EncodedString()
            return JSONBody.response(
                ProjectExport(
                    iterationCount: bundle.iterations.count, imageCount: bundle.images.count,
                    tagCount: bundle.tags.count, regionCount: bundle.images.reduce(0) { $0 + $1.regions.count },
                    estimatedImportTimeInMS: 1000, token: token))
        }
        group.post("projects/import") { request, _ in
            let query = Query(request)
            let token = try query.require("token")
            let bytes = try await bundleBytes(token)
            guard let bundle = try? CustomVisionJSON.makeDecoder().decode(Bundle.self, from: Data(bytes)) else {
                throw APIError.badRequest("The import token is invalid.", code: .badRequestInvalidImportToken)
            }
            return JSONBody.response(try await importBundle(bundle, name: query.string("name")))
        }
    }

    private func bundleBytes(_ token: String) async throws -> [UInt8] {
        let invalid = APIError.badRequest("The import token is invalid.", code: .badRequestInvalidImportToken)
        guard let data = Data(base64Encoded: token), let url = String(data: data, encoding: .utf8),
            let components = URLComponents(string: url)
        else { throw invalid }
        let parts = components.path.split(separator: "/").map(String.init)
        let items = Dictionary(
            (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { a, _ in a })
        if parts.count == 3, parts[0] == "cvimages", parts[1] == "bundle", let expiry = Int(items["se"] ?? ""),
            server.signer.verify(kind: "bundle", digest: parts[2], expiry: expiry, sig: items["sig"] ?? ""),
            let bytes = server.store.blobs.get(parts[2])
        {
            return bytes
        }
        do {
            return try await server.fetcher.fetch(url, limit: server.configuration.maxBodySize)
        } catch {
            throw invalid
        }
    }

    /// Stores the bundle's blobs in a pack, then its rows in one transaction, both off the cooperative pool.
    private func importBundle(_ bundle: Bundle, name: String?) async throws -> Project {
        let check = BundleCheck(bundle: bundle, blobs: server.store.blobs, backend: server.configuration.modelBackend)
        guard check.isSound else {
            throw APIError.badRequest("The bundle is corrupt.", code: .badRequestInvalidImportToken)
        }
        var blobs: [(digest: String, bytes: [UInt8])] = []
        for (digest, data) in bundle.blobs {
            let bytes = [UInt8](data)
            guard SHA256.hex(bytes) == digest else {
                throw APIError.badRequest("The bundle is corrupt.", code: .badRequestInvalidImportToken)
            }
            blobs.append((digest, bytes))
        }
        let store = server.store
        try await BlockingIO.run { [blobs] in try store.blobs.putAll(blobs) }
        return try await BlockingIO.run { try insert(bundle, name: name) }
    }

    /// Adds the bundle's project, tags, images and iterations under new ids.
    private func insert(_ bundle: Bundle, name: String?) throws -> Project {
        var tagMap: [UUID: UUID] = [:]
        var imageMap: [UUID: UUID] = [:]
        for t in bundle.tags { tagMap[t.tag.id] = UUID.random() }
        for i in bundle.images { imageMap[i.id] = UUID.random() }
        let remapTag = { (s: String) in UUID(uuidString: s).flatMap { tagMap[$0] }?.uuidString ?? s }
        var project = bundle.project
        project.id = UUID.random()
        project.name = name ?? project.name
        project.created = Date()
        project.lastModified = Date()
        let imported = project
        try server.store.write { data in
            guard data.projects.count < server.configuration.tier.maxProjects else {
                throw APIError.badRequest("Project limit reached.", code: .badRequestExceedProjectLimit)
            }
            if data.projects.values.contains(where: { $0.name == imported.name }) {
                throw APIError.badRequest("A project with this name exists.", code: .badRequestProjectNameNotUnique)
            }
            data.put(imported)
            for var t in bundle.tags {
                t.tag.id = tagMap[t.tag.id]!
                t.projectId = imported.id
                data.put(t)
            }
            for var image in bundle.images {
                image.id = imageMap[image.id]!
                image.projectId = imported.id
                image.tags = image.tags.map { TagAssignment(tagId: tagMap[$0.tagId] ?? $0.tagId, created: $0.created) }
                image.regions = image.regions.map {
                    var r = $0
                    r.tagId = tagMap[r.tagId] ?? r.tagId
                    return r
                }
                data.put(image)
            }
            for var it in bundle.iterations {
                it.iteration.id = UUID.random()
                it.iteration.projectId = imported.id
                it.iteration.publishName = nil
                it.iteration.originalPublishResourceId = nil
                it.tagIds = it.tagIds.map { tagMap[$0] ?? $0 }
                it.evaluation = it.evaluation.map { e in
                    var e = e
                    e.id = UUID(uuidString: e.id).flatMap { imageMap[$0] }?.uuidString ?? e.id
                    e.truth = e.truth.map {
                        var t = $0
                        t.tag = remapTag(t.tag)
                        return t
                    }
                    e.predictions = e.predictions.map {
                        var p = $0
                        p.tag = remapTag(p.tag)
                        return p
                    }
                    return e
                }
                data.put(it)
            }
        }
        return imported
    }
}
