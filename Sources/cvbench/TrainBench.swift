import CustomVisionCore
import CustomVisionDatasets
import CustomVisionTraining
import Foundation
import ImagePrep

/// `cvbench train [cls|det3|det6|all] [--data DIR] [--seed N]`: trains on NEU-DET and prints accuracy/mAP, training
/// time, peak memory (getrusage ru_maxrss) and inference time per image.
///
/// - cls: all 1800 images labelled by file-name class, stratified 80/20 split; top-1 on the 20%.
/// - det3: inclusion, patches, scratches; 400 training images drawn with the seed, mAP on the other images.
/// - det6: all six classes, 400 training images likewise.
/// - `--validate`: detection on a 320/80 split of the 400 training images only (for tuning).
///
/// `cvbench train infer ...` times inference alone (see ``InferBench``).
///
/// Environment: `CVBENCH_MODEL=path` saves the detection model there, or loads it instead of training when the file
/// exists (to try decoder changes); `CVBENCH_DUMP=path` writes the detection evaluation as JSON.
enum TrainBench {
    static let classes = ["crazing", "inclusion", "patches", "pitted_surface", "rolled-in_scale", "scratches"]

    static func run(_ args: [String]) async throws {
        var data = URL(fileURLWithPath: "../shared/datasets/NEU-DET")
        var seed: UInt64 = 42
        var which = "all"
        var validation = false
        if args.first == "infer" { return try await InferBench.run(Array(args.dropFirst())) }
        var i = 0
        while i < args.count {
            switch args[i] {
            case "--data": data = URL(fileURLWithPath: args[i + 1]); i += 1
            case "--seed": seed = UInt64(args[i + 1]) ?? 42; i += 1
            case "--validate": validation = true
            default: which = args[i]
            }
            i += 1
        }
        let all = try loadNEU(data)
        print("loaded \(all.count) NEU-DET images from \(data.path)")
        if which == "cls" || which == "all" { try await classification(all, seed: seed) }
        if which == "det3" || which == "all" {
            try await detection(all, classes: ["inclusion", "patches", "scratches"], seed: seed, validation: validation)
        }
        if which == "det6" || which == "all" {
            try await detection(all, classes: classes, seed: seed, validation: validation)
        }
    }

    struct Item {
        var name: String
        var fileClass: String
        var image: RGBImage
        var objects: [(name: String, box: BoundingBox)]
    }

    /// Reads NEU-DET with the datasets module's VOC reader, in file-name order (the seeded splits depend on it).
    static func loadNEU(_ root: URL) throws -> [Item] {
        let (dataset, _) = try DatasetReader.read(at: root, format: .voc)
        return try dataset.images.sorted { $0.path.lastPathComponent < $1.path.lastPathComponent }.map { entry in
            let stem = entry.path.deletingPathExtension().lastPathComponent
            let image = try ImageDecoder.decode([UInt8](Data(contentsOf: entry.path)))
            let fileClass = classes.first { stem.hasPrefix($0 + "_") } ?? "?"
            return Item(
                name: stem, fileClass: fileClass, image: image, objects: entry.regions.map { ($0.tag, $0.box) })
        }
    }

    static func peakRSSMiB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    static func classification(_ all: [Item], seed: UInt64) async throws {
        var rng = SeededRandomGenerator(seed: seed)
        var train: [Item] = []
        var test: [Item] = []
        for c in classes {
            var members = all.filter { $0.fileClass == c }
            for i in stride(from: members.count - 1, to: 0, by: -1) { members.swapAt(i, rng.nextIndex(i + 1)) }
            test += members.prefix(members.count / 5)
            train += members.dropFirst(members.count / 5)
        }
        let request = TrainingRequest(
            kind: .multiclass, tags: classes,
            samples: train.map {
                TrainingSample(id: $0.name, image: $0.image, tags: [classes.firstIndex(of: $0.fileClass)!])
            },
            seed: seed)
        let (result, seconds) = try await timed { try await Trainer.train(request) }
        let (evaluated, ms) = predict(result.model, test) { item, predictions in
            EvaluatedImage(id: item.name, truth: [TruthLabel(tag: item.fileClass)],
                           predictions: predictions.map {
                               ScoredLabel(tag: classes[$0.tag], probability: $0.probability)
                           })
        }
        let report = PerformanceEvaluator().evaluate(evaluated, tags: classes)
        print(String(format: "classification 6 classes: train %d, test %d images; top-1 %.2f%%, top-5 %.2f%%, "
            + "precision %.3f, recall %.3f, mAP %.3f; internal hold-out top-1 %.2f%%",
            train.count, test.count, 100 * (report.top1Accuracy ?? 0), 100 * (report.top5Accuracy ?? 0),
            report.precision, report.recall, report.averagePrecision, 100 * (result.performance.top1Accuracy ?? 0)))
        print(String(format: "  train %.1f s, peak RSS %.0f MiB, inference %.2f ms/image (one core)",
                     seconds, peakRSSMiB(), ms))
    }

    /// With `validation`, only the 400 training images are used: the model trains on the first 320 and is evaluated on
    /// the other 80 (for choosing decoder settings without touching the held-out images).
    static func detection(_ all: [Item], classes tags: [String], seed: UInt64, validation: Bool) async throws {
        var pool = all.filter { tags.contains($0.fileClass) }
        var rng = SeededRandomGenerator(seed: seed)
        for i in stride(from: pool.count - 1, to: 0, by: -1) { pool.swapAt(i, rng.nextIndex(i + 1)) }
        if validation { pool = Array(pool.prefix(400)) }
        let trainCount = validation ? 320 : 400
        let train = Array(pool.prefix(trainCount))
        let test = Array(pool.dropFirst(trainCount))
        func labels(_ item: Item) -> [(Int, BoundingBox)] {
            item.objects.compactMap { o in tags.firstIndex(of: o.name).map { ($0, o.box) } }
        }
        let request = TrainingRequest(
            kind: .detection, tags: tags,
            samples: train.map { item in
                TrainingSample(id: item.name, image: item.image,
                               regions: labels(item).map { LabeledBox(tag: $0.0, box: $0.1) })
            },
            seed: seed)
        let cache = ProcessInfo.processInfo.environment["CVBENCH_MODEL"]
        let (result, seconds): (TrainingResult, Double)
        if let cache, let data = FileManager.default.contents(atPath: cache) {
            result = TrainingResult(model: try TrainedModel(serialized: data), evaluation: [])
            seconds = 0
        } else {
            (result, seconds) = try await timed { try await Trainer.train(request) }
            if let cache { try result.model.serialized().write(to: URL(fileURLWithPath: cache)) }
        }
        let (evaluated, ms) = predict(result.model, test) { item, predictions in
            EvaluatedImage(id: item.name, truth: labels(item).map { TruthLabel(tag: tags[$0.0], box: $0.1) },
                           predictions: predictions.map {
                               ScoredLabel(tag: tags[$0.tag], probability: $0.probability, box: $0.box)
                           })
        }
        let report = PerformanceEvaluator().evaluate(evaluated, tags: tags)
        if let dump = ProcessInfo.processInfo.environment["CVBENCH_DUMP"] {
            try JSONEncoder().encode(evaluated).write(to: URL(fileURLWithPath: dump))
        }
        let perTag = report.perTag.map { String(format: "%@ %.3f", $0.tag, $0.averagePrecision) }
            .joined(separator: ", ")
        print(String(format: "detection %d classes: train %d, test %d images; mAP@50 %.2f%%, mAP@30 %.2f%%, "
            + "mAP@75 %.2f%%, precision %.3f, recall %.3f @0.5; internal hold-out mAP@50 %.2f%%",
            tags.count, train.count, test.count, 100 * (report.meanAveragePrecisionAt50 ?? 0),
            100 * (report.meanAveragePrecisionAt30 ?? 0), 100 * (report.meanAveragePrecisionAt75 ?? 0),
            report.precision, report.recall, 100 * (result.performance.meanAveragePrecisionAt50 ?? 0)))
        print("  AP50 per tag: \(perTag)")
        print(String(format: "  train %.1f s, peak RSS %.0f MiB, inference %.2f ms/image (one core)",
                     seconds, peakRSSMiB(), ms))
    }

    static func timed<T>(_ body: () async throws -> T) async rethrows -> (T, Double) {
        let start = ContinuousClock.now
        let value = try await body()
        let d = ContinuousClock.now - start
        return (value, Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
    }

    /// Predicts `items` one at a time on this thread, returning the evaluations and the mean milliseconds per image.
    static func predict(
        _ model: TrainedModel, _ items: [Item], _ make: (Item, [ModelPrediction]) -> EvaluatedImage
    ) -> ([EvaluatedImage], Double) {
        var total = 0.0
        let evaluated = items.map { item in
            let start = ContinuousClock.now
            let predictions = model.predict(item.image)
            let d = ContinuousClock.now - start
            total += Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) * 1e-15
            return make(item, predictions)
        }
        return (evaluated, total / Double(max(items.count, 1)))
    }
}

/// `cvbench train infer --model PATH [--train DIR] [--kind detection|multiclass] --images DIR [--repeat N]
/// [--dump PATH] [--mallopt 1]`: loads a model (or trains one on the VOC folder `--train` and saves it), then
/// decodes and predicts every image of `--images` on one thread, `--repeat` times, and prints the best mean decode
/// and predict ms/image (wall clock, and the thread's CPU time).
/// Multiclass models learn the file-name class (the stem before its last `_`). `--dump` writes the predictions as
/// JSON (file name → predictions), to compare two builds; `--mallopt 1` first calls
/// `AllocatorTuning.keepImageBuffersResident()` (as a server could).
enum InferBench {
    static func run(_ args: [String]) async throws {
        var options: [String: String] = [:]
        for i in stride(from: 0, to: args.count - 1, by: 2) { options[String(args[i].dropFirst(2))] = args[i + 1] }
        guard let modelPath = options["model"], let images = options["images"] else {
            print("usage: cvbench train infer --model PATH [--train DIR] [--kind K] --images DIR [--repeat N]")
            return
        }
        if options["mallopt"] == "1" { AllocatorTuning.keepImageBuffersResident() }
        let kind = ModelKind(rawValue: options["kind"] ?? "detection") ?? .detection
        let model = try await loadOrTrain(modelPath, train: options["train"], kind: kind)
        let folder = URL(fileURLWithPath: images)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".jpg") }.sorted()
        let files = try names.map { [UInt8](try Data(contentsOf: folder.appendingPathComponent($0))) }
        let n = Double(max(files.count, 1))
        var (bestDecode, bestPredict, bestCPU) = (Double.infinity, Double.infinity, Double.infinity)
        var dump: [String: [ModelPrediction]] = [:]
        for _ in 0..<(Int(options["repeat"] ?? "3") ?? 3) {
            let (decoded, decode) = try await TrainBench.timed { try files.map { try ImageDecoder.decode($0) } }
            let (predict, cpu) = measure {
                for (name, image) in zip(names, decoded) { dump[name] = model.predict(image) }
            }
            bestCPU = min(bestCPU, cpu * 1000 / n)
            (bestDecode, bestPredict) = (min(bestDecode, decode * 1000 / n), min(bestPredict, predict * 1000 / n))
        }
        print(String(format: "infer %@ %d images: decode %.3f ms/image, predict %.3f ms/image (%.3f ms CPU) "
            + "(best, one thread)", model.kind.rawValue, files.count, bestDecode, bestPredict, bestCPU))
        if let path = options["dump"] {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            try encoder.encode(dump).write(to: URL(fileURLWithPath: path))
        }
    }

    /// Wall-clock and thread CPU seconds of `body` (CPU time is less noisy on a shared machine).
    static func measure(_ body: () -> Void) -> (wall: Double, cpu: Double) {
        func cpu() -> Double {
            var t = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
            return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
        }
        let (start, startCPU) = (ContinuousClock.now, cpu())
        body()
        let (d, used) = (ContinuousClock.now - start, cpu() - startCPU)
        return (Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18, used)
    }

    static func loadOrTrain(_ path: String, train: String?, kind: ModelKind) async throws -> TrainedModel {
        if let data = FileManager.default.contents(atPath: path) { return try TrainedModel(serialized: data) }
        guard let train else { throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: path]) }
        let (dataset, _) = try DatasetReader.read(at: URL(fileURLWithPath: train), format: .voc)
        let entries = dataset.images.sorted { $0.path.lastPathComponent < $1.path.lastPathComponent }
        func fileClass(_ url: URL) -> String {
            url.deletingPathExtension().lastPathComponent.split(separator: "_").dropLast().joined(separator: "_")
        }
        let tags = kind == .detection
            ? Set(entries.flatMap { $0.regions.map(\.tag) }).sorted() : Set(entries.map { fileClass($0.path) }).sorted()
        let samples = try entries.map { entry in
            let image = try ImageDecoder.decode([UInt8](Data(contentsOf: entry.path)))
            let id = entry.path.lastPathComponent
            guard kind == .detection else {
                return TrainingSample(id: id, image: image, tags: [tags.firstIndex(of: fileClass(entry.path))!])
            }
            let regions = entry.regions.map { LabeledBox(tag: tags.firstIndex(of: $0.tag)!, box: $0.box) }
            return TrainingSample(id: id, image: image, regions: regions)
        }
        let model = try await Trainer.train(TrainingRequest(kind: kind, tags: tags, samples: samples, seed: 7)).model
        try model.serialized().write(to: URL(fileURLWithPath: path))
        return model
    }
}
