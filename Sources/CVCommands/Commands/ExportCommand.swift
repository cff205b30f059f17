import ArgumentParser
import CustomVisionCore
import CustomVisionHTTP
import Foundation

/// `cvctl export --project ID [--iteration ID] --platform P [--flavor F] --download PATH`.
public struct ExportCommand: CVCommand {
    public static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export an iteration for a platform, wait for it, download and check the file.",
        discussion: """
            An existing export of the same platform and flavor is reused (a failed one is redone). Platforms: \
            \(ExportPlatform.allKnown.map(\.rawValue).joined(separator: ", ")). Exits 4 when the export fails \
            or times out.

            Examples:
              cvctl export --project 0f6c… --platform ONNX --download model.zip
              cvctl export --project 0f6c… --iteration 7a8b… --platform DockerFile \\
                  --flavor Linux --download d.zip
            """)

    @OptionGroup public var global: GlobalOptions
    @Option(help: "The project id.") var project: UUID
    @Option(help: "The iteration (default: the newest completed).") var iteration: UUID?
    @Option(help: "The platform, e.g. ONNX, TensorFlow, CoreML, DockerFile.") var platform: String
    @Option(help: "The flavor, e.g. Linux, ONNX12, TensorFlowLite.") var flavor: String?
    @Option(help: "Where to write the downloaded file.") var download: String
    @Option(help: "Seconds to wait for the export.") var timeout = 1800

    public init() {}

    struct Result: Codable {
        var iterationId: UUID
        var platform: String
        var flavor: String?
        var reused: Bool
        var file: String
        var bytes: Int
    }

    public func run(_ context: CommandContext) async throws {
        try OutputFolder.checkFile(download)
        let client = try context.training()
        let target = try await IterationLookup.resolve(iteration, project: project, client: client)
        // Spelled as the service lists them ("dockerfile" → "DockerFile"), so the export is found when listed.
        let platform = ExportPlatform.allKnown.first { $0.rawValue.lowercased() == self.platform.lowercased() }
            ?? ExportPlatform(self.platform)
        let flavor = self.flavor.map { name in
            ExportFlavor.allKnown.first { $0.rawValue.lowercased() == name.lowercased() } ?? ExportFlavor(name)
        }
        let existing = try await client.getExports(projectId: project, iterationId: target.id).first {
            $0.isOf(platform: platform, flavor: flavor)
        }
        let reused = existing != nil && existing?.status != .failed
        if !reused {
            _ = try await client.exportIteration(
                projectId: project, iterationId: target.id, platform: platform, flavor: flavor)
            context.console.info("export of \(platform.rawValue) started")
        } else {
            context.console.info("reusing the existing \(platform.rawValue) export")
        }
        let export: Export
        do {
            export = try await client.waitForExport(
                projectId: project, iterationId: target.id, platform: platform, flavor: flavor,
                timeout: .seconds(timeout))
        } catch let error as CustomVisionClientError where error.kind == .waitTimeout {
            throw CLIError.failed("the \(platform.rawValue) export did not finish in \(timeout) s")
        }
        guard export.status == .done else { throw CLIError.failed("the \(platform.rawValue) export failed") }
        let destination = URL(fileURLWithPath: download)
        try await client.downloadExport(export, projectId: project, to: destination)
        let size = (try? FileManager.default.attributesOfItem(atPath: destination.path)[.size] as? Int) ?? 0
        guard size > 0 else { throw CLIError.failed("the downloaded export \(download) is empty") }
        if let handle = FileHandle(forReadingAtPath: destination.path) {
            let magic = handle.readData(ofLength: 2)
            try? handle.close()
            if download.lowercased().hasSuffix(".zip"), magic != Data("PK".utf8) {
                throw CLIError.failed("the downloaded export \(download) is not a zip file")
            }
        }
        let result = Result(iterationId: target.id, platform: platform.rawValue, flavor: flavor?.rawValue,
                            reused: reused, file: destination.path, bytes: size)
        try context.console.emit(result) { r in
            TextTable(headers: ["PLATFORM", "FLAVOR", "REUSED", "FILE", "BYTES"],
                      rows: [[r.platform, r.flavor ?? "-", r.reused ? "yes" : "no", r.file, "\(r.bytes)"]])
        }
    }
}
