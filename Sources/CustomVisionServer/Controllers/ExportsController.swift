import CustomVisionCore
import Foundation
import Hummingbird

/// ExportIteration, GetExports and GetArtifact. The one platform this server can honestly produce is `DockerFile`:
/// a zip holding a prediction-only cvserver data directory (the project, the iteration's tags and its model) and
/// a Dockerfile that serves it with `cvserver --prediction-only`. Other platforms answer BadRequestNotSupported.
struct ExportsController: Sendable {
    let server: ServerContext

    func register(_ group: RouterGroup<BasicRequestContext>) {
        group.post("projects/:projectId/iterations/:iterationId/export") { request, context in
            let project = try context.parameters.id("projectId")
            let id = try context.parameters.id("iterationId")
            let query = Query(request)
            let platform = try ExportPlatform.validated(try query.require("platform"))
            let flavor = try query.string("flavor").map { try ExportFlavor.validated($0, for: platform) }
            let (p, record) = try server.store.read { data in
                (try data.project(project), try data.iteration(id, in: project))
            }
            guard record.iteration.status == .completed else {
                throw APIError.badRequest("The iteration is not trained.", code: .badRequestIterationIsNotTrained)
            }
            // As the service: only iterations of compact (exportable) domains export, whatever the platform.
            guard record.iteration.exportable == true else {
                throw APIError.badRequest("The project's domain is not compact, so its iterations cannot be exported.",
                    code: .badRequestProjectUnsupportedExportPlatform)
            }
            guard platform == .dockerFile else {
                throw APIError.badRequest(
                    "This server exports DockerFile only, not \(platform.rawValue.prefix(32)).",
                    code: .badRequestNotSupported)
            }
            let zip = try DockerExport(server: server).build(project: p, iteration: record)
            let digest = try server.store.blobs.put(zip)
            let export = ExportRecord(
                id: UUID.random(), projectId: project, iterationId: id, platform: .dockerFile, flavor: flavor,
                status: .done, blob: digest, created: Date())
            try server.store.write { data in
                for old in data.exports.values where old.iterationId == id && old.platform == .dockerFile {
                    data.remove(.export, old.id)
                }
                data.put(export)
            }
            return JSONBody.response(render(export, base: request.baseURL))
        }
        group.get("projects/:projectId/iterations/:iterationId/export") { request, context in
            let project = try context.parameters.id("projectId")
            let id = try context.parameters.id("iterationId")
            return JSONBody.response(
                try server.store.read { data in
                    _ = try data.iteration(id, in: project)
                    return data.exports.values.filter { $0.iterationId == id }.sorted { $0.created < $1.created }
                        .map { render($0, base: request.baseURL) }
                })
        }
        group.get("projects/:projectId/artifacts") { request, context in
            let project = try context.parameters.id("projectId")
            let path = try Query(request).require("path")
            _ = try server.store.read { try $0.project(project) }
            // Artifacts are export blobs, addressed by their digest.
            guard BlobStore.isDigest(path), let bytes = server.store.blobs.get(path),
                server.store.read({ $0.exports.values.contains { $0.projectId == project && $0.blob == path } })
            else { throw APIError.notFound(.notFound, "Artifact not found.") }
            return Response(
                status: .ok, headers: [.contentType: "application/octet-stream"],
                body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }

    private func render(_ export: ExportRecord, base: String) -> Export {
        Export(
            platform: export.platform, status: export.status,
            downloadUri: export.blob.map { server.signer.url(base: base, kind: "export", digest: $0) },
            flavor: export.flavor, newerVersionAvailable: false)
    }
}

/// Builds the DockerFile export of an iteration.
struct DockerExport: Sendable {
    let server: ServerContext

    func build(project: Project, iteration: IterationRecord) throws -> [UInt8] {
        guard let model = iteration.model, let bytes = server.store.blobs.get(model) else {
            throw APIError(.internalServerError, .errorExporterInvalidClassifier, "The model file is missing.")
        }
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("cvexport-\(UUID.random().lowercasedText)")
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            let store = try ServerStore(directory: dir)
            try store.blobs.put(bytes)
            var record = iteration
            record.iteration.publishName = iteration.iteration.publishName ?? "model"
            record.evaluation = []
            try store.write { data in
                data.put(project)
                for (id, name) in Swift.zip(iteration.tagIds, iteration.tagNames) {
                    data.put(TagRecord(tag: Tag(id: id, name: name, type: .regular), projectId: project.id))
                }
                data.put(record)
            }
        }
        var archive = ZipWriter()
        let fm = FileManager.default
        let files = (fm.enumerator(atPath: dir.path)?.allObjects as? [String] ?? []).sorted()
        for file in files where !file.hasPrefix("tmp") {
            var isDir: ObjCBool = false
            let full = dir.appendingPathComponent(file).path
            guard fm.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue,
                let data = fm.contents(atPath: full)
            else { continue }
            archive.add("data/\(file)", [UInt8](data))
        }
        let name = record(iteration).publishName ?? "model"
        archive.add("Dockerfile", Array(Self.dockerfile.utf8))
        archive.add("README.md", Array(Self.readme(project: project.id, name: name).utf8))
        return archive.finish()
    }

    private func record(_ r: IterationRecord) -> Iteration { r.iteration }

    static let dockerfile = """
        # Serves the exported model with cvserver in prediction-only mode.
        # Put a Linux build of cvserver next to this file first: swift build -c release --product cvserver
        FROM debian:12-slim
        RUN apt-get update && apt-get install -y --no-install-recommends libturbojpeg0 libpng16-16 libsqlite3-0 \\
            libcurl4 ca-certificates && rm -rf /var/lib/apt/lists/*
        COPY cvserver /usr/local/bin/cvserver
        COPY data /app/data
        ENV PREDICTION_KEY=change-me
        EXPOSE 80
        CMD ["sh", "-c", "exec cvserver --data-dir /app/data --host 0.0.0.0 --port 80 --prediction-only \\
        --prediction-key \\"$PREDICTION_KEY\\""]

        """

    static func readme(project: UUID, name: String) -> String {
        """
        # cvserver model export

        `data/` is a cvserver data directory holding one project (\(project)) and its exported iteration, published
        as `\(name)`. Run it locally with `cvserver --data-dir data --prediction-only --prediction-key KEY`, or build
        the Dockerfile. Predict with
        `POST /customvision/v3.0/prediction/\(project)/classify/iterations/\(name)/image` (or `detect`).

        """
    }
}
