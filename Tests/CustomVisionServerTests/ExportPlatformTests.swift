import CustomVisionCore
import Foundation
import HTTPTypes
import Testing

/// Export platforms are the specification's enum wherever it lists them: CreateProject's `targetExportPlatforms`,
/// UpdateProject's `settings.targetExportPlatforms` and ExportIteration's `platform`.
@Suite struct ExportPlatformTests {
    @Test func createProjectRefusesPlatformsOutsideTheEnum() async throws {
        try await withServer { cv in
            let compact = "0732100f-1a38-4e49-a514-c9b44c697ab5"
            let bogus = try await cv.training(
                .post, "projects?name=a&domainId=\(compact)&targetExportPlatforms=CoreML,Bogus")
            let error = try cv.error(bogus, status: .badRequest)
            #expect(error.code == .badRequestProjectUnsupportedExportPlatform && error.message.contains("Bogus"))
            let projects = try cv.decode([Project].self, try await cv.training(.get, "projects"))
            #expect(projects.isEmpty)
            // The enum's values in any case, spelled back as the specification spells them; OpenVino is the
            // v3.4-preview SDKs'.
            let created = try cv.decode(
                Project.self,
                try await cv.training(
                    .post, "projects?name=b&domainId=\(compact)&targetExportPlatforms=coreml,ONNX,OpenVino"))
            #expect(created.settings.targetExportPlatforms == [.coreML, .onnx, ExportPlatform("OpenVino")])
        }
    }

    @Test func updateProjectRefusesPlatformsOutsideTheEnum() async throws {
        try await withServer { cv in
            let project = try await cv.createProject("p")
            let path = "projects/\(project.id)"
            let bogus = try await cv.training(.patch, path, json: ["settings": ["targetExportPlatforms": ["Nope"]]])
            #expect(try cv.error(bogus, status: .badRequest).code == .badRequestProjectUnsupportedExportPlatform)
            let stored = try cv.decode(Project.self, try await cv.training(.get, path))
            #expect(stored.settings.targetExportPlatforms == [])
            let updated = try await cv.training(
                .patch, path, json: ["settings": ["targetExportPlatforms": ["tensorflow", "DockerFile"]]])
            #expect(try cv.decode(Project.self, updated).settings.targetExportPlatforms == [.tensorFlow, .dockerFile])
        }
    }

    @Test func exportIterationRefusesPlatformsOutsideTheEnum() async throws {
        try await withServer { cv in
            let project = try await cv.createProject("p")
            let path = "projects/\(project.id)/iterations/\(UUID())/export"
            let bogus = try await cv.training(.post, "\(path)?platform=Bogus")
            #expect(try cv.error(bogus, status: .badRequest).code == .badRequestProjectUnsupportedExportPlatform)
            // A value of the enum goes on to the iteration, which does not exist.
            let known = try await cv.training(.post, "\(path)?platform=CoreML")
            #expect(try cv.error(known, status: .notFound).code == .notFoundIteration)
        }
    }

    @Test func exportIterationRefusesFlavorsOfOtherPlatforms() async throws {
        try await withServer { cv in
            let project = try await cv.createProject("p")
            let path = "projects/\(project.id)/iterations/\(UUID())/export"
            // Any text used to be stored and echoed back as the export's flavor.
            for query in ["platform=DockerFile&flavor=Bogus", "platform=DockerFile&flavor=ONNX12",
                          "platform=CoreML&flavor=Linux", "platform=ONNX&flavor=\(String(repeating: "x", count: 500))"] {
                let refused = try await cv.training(.post, "\(path)?\(query)")
                let error = try cv.error(refused, status: .badRequest)
                #expect(error.code == .badRequestExportValidationFailed, "\(query)")
                #expect(error.message.count < 200, "\(query)")
            }
            // A flavor of the platform, in any case, goes on to the iteration (which does not exist).
            for query in ["platform=DockerFile&flavor=arm", "platform=TensorFlow&flavor=TensorFlowLite"] {
                let known = try await cv.training(.post, "\(path)?\(query)")
                #expect(try cv.error(known, status: .notFound).code == .notFoundIteration, "\(query)")
            }
        }
    }
}
