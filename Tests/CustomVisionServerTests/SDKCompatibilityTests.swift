import CVTestSupport
import CustomVisionCore
import CustomVisionServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Wire behaviour that Microsoft's Python SDK 3.1.1 (scripts/sdk-compat.sh) found different from the service,
/// pinned through the router so the fixes cannot regress.
@Suite struct SDKCompatibilityTests {
    /// `export_iteration` on an iteration of a non-compact domain: the service refuses every platform with
    /// 400 BadRequestProjectUnsupportedExportPlatform (only compact domains export); cvserver used to export it.
    @Test func exportOfANonCompactIterationIsRefused() async throws {
        try await withServer { cv in
            let project = try await cv.createProject("general")  // default domain: General, not compact
            let red = try await cv.createTag(project.id, "red")
            let blue = try await cv.createTag(project.id, "blue")
            _ = try await cv.upload(project.id, reds(6), tags: [red.id])
            _ = try await cv.upload(project.id, blues(6), tags: [blue.id])
            let iteration = try await trainAndWait(cv, project.id)
            #expect(iteration.status == .completed && iteration.exportable == false)
            let path = "projects/\(project.id)/iterations/\(iteration.id)/export"
            let refused = try await cv.training(.post, "\(path)?platform=DockerFile&flavor=Linux")
            #expect(try cv.error(refused, status: .badRequest).code == .badRequestProjectUnsupportedExportPlatform)
            #expect(try cv.decode([Export].self, try await cv.training(.get, path)).isEmpty)
        }
    }
}
