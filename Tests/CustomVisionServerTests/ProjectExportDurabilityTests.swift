import CVTestSupport
import CustomVisionCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import CustomVisionServer

/// ExportProject's bundle outlives a restart (and the project) until its token expires, and no longer.
@Suite struct ProjectExportDurabilityTests {
    @Test func anExportTokenStillImportsAfterARestartAndTheProjectsDeletion() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let token = try await withServerResult(testConfiguration(directory: dir)) { cv in
            let (project, _, _) = try await redBlueProject(cv, name: "moving")
            let exported = try cv.decode(
                ProjectExport.self, try await cv.training(.get, "projects/\(project.id)/export"))
            // Exporting the same project again gives the same bundle, recorded once.
            _ = try await cv.training(.get, "projects/\(project.id)/export")
            #expect(try await cv.training(.delete, "projects/\(project.id)").status == .noContent)
            return try #require(exported.token?.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
        }
        // The startup sweep once removed the bundle as an orphan blob, so the token answered "invalid".
        try await withServer(testConfiguration(directory: dir)) { cv in
            let imported = try cv.decode(
                Project.self, try await cv.training(.post, "projects/import?token=\(token)&name=moved"))
            #expect(imported.name == "moved")
            let count = try cv.decode(
                Int.self, try await cv.training(.get, "projects/\(imported.id)/images/tagged/count"))
            #expect(count == 12)
        }
    }

    @Test func expiredExportsAreForgottenAndTheirBundlesReleased() {
        var data = StoreData()
        let project = UUID()
        let now = Date()
        #expect(data.recordProjectExport(project: project, blob: "a", expires: now + 10, now: now).isEmpty)
        #expect(data.recordProjectExport(project: project, blob: "b", expires: now + 100, now: now).isEmpty)
        // Re-exporting "b" extends its record instead of adding one.
        #expect(data.recordProjectExport(project: project, blob: "b", expires: now + 200, now: now).isEmpty)
        #expect(data.projectExports.count == 2)
        // Later, "a" has expired: its record goes and its blob is released; "b" and the new "c" stay.
        let later = now + 50
        let released = data.recordProjectExport(project: project, blob: "c", expires: later + 100, now: later)
        #expect(released == ["a"])
        #expect(Set(data.projectExports.values.map(\.blob)) == ["b", "c"])
        #expect(data.projectExports.values.first { $0.blob == "b" }?.expires == now + 200)
    }

    @Test func theStartupSweepDropsExpiredExportsAndKeepsLiveOnes() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            let store = try ServerStore(directory: dir)
            let live = try store.blobs.put(Array("live bundle".utf8))
            let stale = try store.blobs.put(Array("expired bundle".utf8))
            try store.write { data in
                data.put(ProjectExportRecord(id: UUID(), projectId: UUID(), blob: live, expires: Date() + 3600))
                data.put(ProjectExportRecord(id: UUID(), projectId: UUID(), blob: stale, expires: Date() - 1))
            }
        }
        let reopened = try ServerStore(directory: dir)
        let records = reopened.read { $0.projectExports.values.map(\.blob) }
        #expect(records.count == 1)
        #expect(reopened.blobs.get(records[0]).map { String(decoding: $0, as: UTF8.self) } == "live bundle")
        #expect(reopened.blobs.allDigests().count == 1, "the expired bundle's blob is swept as an orphan")
    }
}
