import CustomVisionCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import ImagePrep
import NIOCore
import Testing

@testable import CustomVisionServer

/// A request that takes pixels from a budget and keeps them until released.
private struct Holder: Sendable {
    private let entered = AsyncStream<Void>.makeStream()
    private let release = AsyncStream<Void>.makeStream()

    /// Takes `pixels` from `budget`, says so, and keeps them until `finish()` (or cancellation).
    func hold(_ budget: PixelBudget, _ pixels: Int) async throws {
        try await budget.withPixels(pixels) {
            entered.continuation.yield()
            for await _ in release.stream { break }
        }
    }

    func waitUntilEntered() async {
        for await _ in entered.stream { return }
    }

    func finish() { release.continuation.yield() }

    /// Gives the pixels of `task` (this holder's) back and waits for it to end.
    func finished(_ task: Task<Void, any Error>) async throws {
        finish()
        try await task.value
    }

    /// Starts holding `pixels` and returns once they are taken.
    func started(_ budget: PixelBudget, _ pixels: Int) async -> Task<Void, any Error> {
        let task = Task { try await hold(budget, pixels) }
        await waitUntilEntered()
        return task
    }

    /// Starts asking for `pixels` and returns once the request waits, `waiting`th in the queue.
    func queued(_ budget: PixelBudget, _ pixels: Int, waiting: Int) async -> Task<Void, any Error> {
        let task = Task { try await hold(budget, pixels) }
        await waitUntil(budget, waiting: waiting)
        return task
    }
}

/// Waits (without a deadline) until `budget` shows `waiting` queued requests.
private func waitUntil(_ budget: PixelBudget, waiting: Int) async {
    while budget.snapshot.waiting != waiting { await Task.yield() }
}

private struct Refused: Error {}

/// The server-wide limit on pixels decoded at once, and what it does to huge images sent for prediction. The gate's
/// tests wait for states, never for time; their time limit only turns a broken gate's hang into a failure.
@Suite struct PixelBudgetTests {
    @Test(.timeLimit(.minutes(1))) func admitsWithinTheBudgetAndQueuesBeyondIt() async throws {
        let budget = PixelBudget(limit: 100)
        let first = Holder(), queued = Holder()
        let a = await first.started(budget, 60)
        // 60 + 30 fits: admitted at once (this call would not return otherwise).
        #expect(try await budget.withPixels(30) { budget.snapshot.inFlight } == 90)
        let b = await queued.queued(budget, 50, waiting: 1)
        #expect(budget.snapshot.inFlight == 60, "60 + 50 is over the budget: the second request waits")
        try await first.finished(a)
        await queued.waitUntilEntered()
        #expect(budget.snapshot == (50, 0))
        try await queued.finished(b)
        #expect(budget.snapshot == (0, 0))
    }

    @Test(.timeLimit(.minutes(1))) func aSmallRequestIsNotHeldUpBehindALargeOneThatDoesNotFitYet() async throws {
        let budget = PixelBudget(limit: 100)
        let (first, large, small) = (Holder(), Holder(), Holder())
        let a = await first.started(budget, 60)
        let b = await large.queued(budget, 50, waiting: 1)
        // 10 fits beside the 60 in flight: it goes ahead of the 50 that does not (yet).
        let c = Task { try await small.hold(budget, 10) }
        await small.waitUntilEntered()
        #expect(budget.snapshot == (70, 1))
        try await first.finished(a)
        await large.waitUntilEntered()
        #expect(budget.snapshot == (60, 0))
        try await large.finished(b)
        try await small.finished(c)
    }

    @Test(.timeLimit(.minutes(1))) func aHugeRequestIsPassedAtMostMaxBypassTimes() async throws {
        let budget = PixelBudget(limit: 100, maxBypass: 2)
        let (first, huge) = (Holder(), Holder())
        let a = await first.started(budget, 10)
        let h = await huge.queued(budget, 1_000, waiting: 1)
        // Two small ones pass it while the budget is never empty...
        let passing = [Holder(), Holder()]
        var tasks: [Task<Void, any Error>] = []
        for holder in passing {
            tasks.append(Task { try await holder.hold(budget, 10) })
            await holder.waitUntilEntered()
        }
        #expect(budget.snapshot == (30, 1))
        // ...then the next small one waits behind it, and it runs alone once the budget empties.
        let late = Holder()
        let l = await late.queued(budget, 10, waiting: 2)
        try await first.finished(a)
        for (holder, task) in zip(passing, tasks) { try await holder.finished(task) }
        await huge.waitUntilEntered()
        #expect(budget.snapshot == (1_000, 1))
        try await huge.finished(h)
        await late.waitUntilEntered()
        try await late.finished(l)
        #expect(budget.snapshot == (0, 0))
    }

    @Test(.timeLimit(.minutes(1))) func aRequestOverTheWholeBudgetRunsAlone() async throws {
        let budget = PixelBudget(limit: 100)
        let small = Holder(), huge = Holder(), after = Holder()
        let a = await small.started(budget, 10)
        let b = await huge.queued(budget, 1_000, waiting: 1)
        #expect(budget.snapshot.inFlight == 10, "waits for the budget to empty")
        try await small.finished(a)
        await huge.waitUntilEntered()
        #expect(budget.snapshot == (1_000, 0))
        let c = await after.queued(budget, 1, waiting: 1)
        try await huge.finished(b)
        await after.waitUntilEntered()
        try await after.finished(c)
        // Alone from the start, it does not wait at all.
        #expect(try await budget.withPixels(5_000) { budget.snapshot.inFlight } == 5_000)
        #expect(budget.snapshot == (0, 0))
    }

    @Test(.timeLimit(.minutes(1))) func pixelsComeBackWhenTheBodyThrows() async throws {
        let budget = PixelBudget(limit: 100)
        await #expect(throws: Refused.self) { try await budget.withPixels(100) { throw Refused() } }
        #expect(budget.snapshot == (0, 0))
        #expect(try await budget.withPixels(100) { budget.snapshot.inFlight } == 100)
    }

    @Test(.timeLimit(.minutes(1))) func aCancelledWaiterLeavesTheQueueAndUnblocksThoseBehindIt() async throws {
        let budget = PixelBudget(limit: 100)
        let (first, large, small) = (Holder(), Holder(), Holder())
        let a = await first.started(budget, 95)
        let b = await large.queued(budget, 50, waiting: 1)
        let c = await small.queued(budget, 10, waiting: 2)
        b.cancel()
        await #expect(throws: CancellationError.self) { try await b.value }
        #expect(budget.snapshot == (95, 1), "the cancelled request left the queue")
        try await first.finished(a)
        await small.waitUntilEntered()
        #expect(budget.snapshot == (10, 0))
        try await small.finished(c)
        #expect(budget.snapshot == (0, 0))
        // A task cancelled before it asks is refused when it would have to wait, admitted when it fits.
        let d = await first.started(budget, 100)
        func askCancelled() async throws -> Int {
            try await Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return try await budget.withPixels(1) { 1 }
            }.value
        }
        await #expect(throws: CancellationError.self) { try await askCancelled() }
        #expect(budget.snapshot == (100, 0))
        try await first.finished(d)
        #expect(try await askCancelled() == 1)
    }

    @Test func predictionDecodesLargeJPEGsAtAReducedScaleAndOrdinaryOnesAsBefore() async throws {
        let budget = PixelBudget(limit: 64_000_000)
        let size = InputSize(width: 256, height: 256)
        let big = try ImageEncoder.jpeg(RGBImage(width: 2_100, height: 2_200, fill: (128, 128, 128)), quality: 90)
        let decoded = try await Predictor.decode(big, for: size, budget: budget)
        #expect((decoded.width, decoded.height) == (2_100, 2_200), "the full upright size, for the stored record")
        #expect((decoded.image.width, decoded.image.height) == (525, 550), "1/4: still at least twice 256 × 256")
        let ordinary = try ImageEncoder.jpeg(RGBImage(width: 1_000, height: 800, fill: (90, 60, 30)), quality: 90)
        let full = try await Predictor.decode(ordinary, for: size, budget: budget)
        #expect(full.image == (try ImageDecoder.decode(ordinary)), "under four times the input size: full size")
        let unsized = try await Predictor.decode(big, for: nil, budget: budget)
        #expect(unsized.image.width == 2_100, "a model without an input size sees the full image")
        #expect(budget.snapshot == (0, 0))
    }

    /// A PNG declaring 10,000 × 10,000 pixels (about 2 MB) decodes under a small budget — alone — and answers as
    /// its small copy does; so does a large JPEG, decoded at a reduced scale. Both still upload.
    @Test func hugeDeclaredImagesStillPredictAndUpload() async throws {
        var configuration = testConfiguration()
        configuration.pixelBudget = 1_000_000
        try await withServer(configuration) { cv in
            let (project, red, blue) = try await redBlueProject(cv)
            let iteration = try await trainAndWait(cv, project.id)
            let publish = "projects/\(project.id)/iterations/\(iteration.id)/publish?publishName=prod&predictionId=res"
            #expect(try cv.decode(Bool.self, try await cv.training(.post, publish)))
            func predict(_ body: [UInt8]) async throws -> [CustomVisionCore.Prediction] {
                let response = try await cv.prediction(
                    .post, "\(project.id)/classify/iterations/prod/image/nostore", body: body,
                    contentType: "application/octet-stream")
                return try cv.decode(ImagePrediction.self, response).predictions ?? []
            }
            let huge = TestPNG.solidCompressed(10_000, 10_000, rgb: (200, 30, 30))
            #expect(huge.count < ServiceLimits.maxPredictionImageBytes)
            #expect(try ImageHeader.read(huge).pixelCount == 100_000_000)
            let small = try await predict(TestPNG.solid(rgb: (200, 30, 30)))
            let seen = try await predict(huge)
            #expect(seen.first?.tagId == red.id)
            let (a, b) = (try #require(seen.first?.probability), try #require(small.first?.probability))
            #expect(abs(a - b) < 1e-6)
            let jpeg = try ImageEncoder.jpeg(RGBImage(width: 3_000, height: 2_000, fill: (20, 40, 210)), quality: 95)
            #expect(try await predict(jpeg).first?.tagId == blue.id)

            // Uploads validate within the budget too; a large JPEG's thumbnail comes from a reduced-scale decode.
            let images = try await cv.upload(project.id, [huge, jpeg]).images?.compactMap(\.image) ?? []
            #expect(images.map { [$0.width, $0.height] } == [[10_000, 10_000], [3_000, 2_000]])
            let uri = try #require(images.last?.thumbnailUri.flatMap(URL.init(string:)))
            let thumb = try await cv.client.execute(uri: uri.path + "?" + (uri.query ?? ""), method: .get)
            let header = try ImageHeader.read(Array(thumb.body.readableBytesView))
            #expect(header.format == .jpeg && header.width == 256 && header.height == 171)
        }
    }
}
