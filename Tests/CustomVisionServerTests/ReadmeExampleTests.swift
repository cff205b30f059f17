import CVTestSupport
import CustomVisionDatasets
import CustomVisionHTTP
import CustomVisionServer
import Foundation
import Testing

// README-EXAMPLE-BEGIN
/// Why `detectScratches` gave up (the clients' own failures are `CustomVisionClientError`s).
struct ScratchDetectorError: Error {
    var message: String
}

/// Trains a "scratch" detector on labelled images, publishes it and detects scratches in a new image.
/// - Parameter examples: encoded images, each with the box of its scratch as fractions (0…1) of the image's width
///   and height (15 or more).
func detectScratches(
    trainingEndpoint: URL, trainingKey: String, predictionEndpoint: URL, predictionKey: String,
    predictionResourceID: String, examples: [(image: Data, box: BoundingBox)], newImage: Data
) async throws -> [Prediction] {
    let trainer = TrainingClient(endpoint: trainingEndpoint, key: trainingKey)
    let predictor = PredictionClient(endpoint: predictionEndpoint, key: predictionKey)

    let domain = try await trainer.getDomains().first { $0.type == .objectDetection && $0.exportable == true }
    let project = try await trainer.createProject(name: "steel", domainId: domain?.id)
    let scratch = try await trainer.createTag(projectId: project.id, name: "scratch")

    // Sent in requests within the service's limits (64 images, 20 tags), 4 at a time; one result per image.
    let entries = examples.enumerated().map { index, example in
        ImageFileCreateEntry(
            name: "example-\(index).jpg", contents: example.image,
            regions: [Region(tagId: scratch.id, box: example.box)])
    }
    let results = try await trainer.uploadImages(projectId: project.id, images: entries)
    // OKDuplicate means the same bytes are already there: done, too.
    let failed = results.filter { $0.status != .ok && $0.status != .okDuplicate }
    guard failed.isEmpty else {
        throw ScratchDetectorError(message: "\(failed.count) images failed: \(failed.map(\.status))")
    }

    let started = try await trainer.trainProject(projectId: project.id)
    let iteration = try await trainer.waitForIteration(projectId: project.id, iterationId: started.id)
    guard iteration.status == .completed else {
        throw ScratchDetectorError(message: "training ended \(iteration.status.map { "\($0)" } ?? "without a status")")
    }
    try await trainer.publishIteration(
        projectId: project.id, iterationId: iteration.id, publishName: "scratches-v1",
        predictionId: predictionResourceID)

    let result = try await predictor.detectImage(
        projectId: project.id, publishedName: "scratches-v1", imageData: newImage)
    return (result.predictions ?? []).filter { ($0.probability ?? 0) >= 0.5 }
}
// README-EXAMPLE-END

struct ReadmeExampleTests {
    /// The README's library example is this file's code, word for word.
    @Test func readmeShowsTheCompiledExample() throws {
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        let readme = try String(contentsOf: FixturePaths.root.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(source.range(of: "// README-EXAMPLE-BEGIN\n"))
        let end = try #require(source.range(of: "// README-EXAMPLE-END"))
        let example = String(source[start.upperBound..<end.lowerBound])
        #expect(readme.contains(example), "README.md must show the example in ReadmeExampleTests.swift unchanged")
    }

    /// The example runs against a real cvserver on loopback with the real trainer.
    @Test func readmeExampleTrainsAndDetects() async throws {
        let (dataset, _) = try DatasetReader.read(at: FixturePaths.fixture("neu-det-mini/train"), format: .voc)
        let names = Set((1...18).map { "scratches_\($0).jpg" })
        let examples: [(image: Data, box: BoundingBox)] = try dataset.images
            .filter { names.contains($0.path.lastPathComponent) }
            .sorted { $0.path.lastPathComponent < $1.path.lastPathComponent }
            .compactMap { entry in try entry.regions.first.map { (try Data(contentsOf: entry.path), $0.box) } }
        try #require(examples.count >= 15)
        let server = try await RunningServer.start(
            ServerConfiguration(
                port: 0, inMemory: true, trainingKey: "readme-training", predictionKey: "readme-prediction"))
        defer { Task { await server.stop() } }
        let newImage = try Data(contentsOf: FixturePaths.fixture("neu-det-mini/heldout/IMAGES/scratches_26.jpg"))
        let endpoint = try #require(URL(string: server.endpoint))
        let predictions = try await detectScratches(
            trainingEndpoint: endpoint, trainingKey: "readme-training", predictionEndpoint: endpoint,
            predictionKey: "readme-prediction", predictionResourceID: "/subscriptions/x/resourceGroups/y",
            examples: examples, newImage: newImage)
        #expect(!predictions.isEmpty, "a held-out scratches image gets at least one confident scratch")
        #expect(predictions.allSatisfy { $0.tagName == "scratch" && $0.boundingBox != nil })
    }
}
