import CustomVisionCore
import ImagePrep
import Foundation

/// The features and targets of a request's samples, each sample as its original and mirrored variants.
struct TrainingData {
    let request: TrainingRequest
    /// Variants per sample: original, left-right mirror and (classification) top-bottom mirror.
    let variants: Int
    /// Feature rows per variant: 1 for classification, every grid cell for detection.
    let rowsPerVariant: Int
    var matrix: LabeledMatrix

    init(_ request: TrainingRequest, progress: (Double) -> Void) throws {
        self.request = request
        let kind = request.kind
        variants = kind == .detection ? 2 : 3
        let columns = kind == .detection ? CellDescriptor.count : Self.imageColumns
        rowsPerVariant = kind == .detection ? CellDescriptor.grid * CellDescriptor.grid : 1
        let perVariant = rowsPerVariant * columns
        let samples = request.samples
        let variants = variants
        var values = [Float](repeating: 0, count: samples.count * variants * perVariant)
        let chunk = 32
        for first in stride(from: 0, to: samples.count, by: chunk) {
            try Task.checkCancellation()
            let last = min(first + chunk, samples.count)
            values.withUnsafeMutableBufferPointer { out in
                parallelFor(last - first) { n in
                    let i = first + n
                    let planes = Planes(samples[i].image, side: FeatureExtractor.side(kind))
                    for v in 0..<variants {
                        let variant = v == 0 ? planes : planes.flipped(horizontal: v == 1)
                        let f = FeatureExtractor.features(kind, variant)
                        let base = (i * variants + v) * perVariant
                        for (k, x) in f.enumerated() { out[base + k] = x }
                    }
                }
            }
            progress(Double(last) / Double(samples.count))
        }
        let targets = Self.targets(request, variants: variants)
        let outputs: Int
        switch request.kind {
        case .multiclass: outputs = request.tags.count + (samples.contains { $0.tags.isEmpty } ? 1 : 0)
        case .multilabel: outputs = request.tags.count
        case .detection: outputs = request.tags.count + 1
        }
        matrix = LabeledMatrix(columns: columns, values: values, targets: targets, outputs: outputs)
    }

    static let imageColumns = ImageDescriptor.features(Planes(.init(width: 8, height: 8), side: ImageDescriptor.side))
        .count

    static func targets(_ request: TrainingRequest, variants: Int) -> LabeledMatrix.Targets {
        let k = request.tags.count
        switch request.kind {
        case .multiclass:
            return .classes(request.samples.flatMap { s in Array(repeating: s.tags.first ?? k, count: variants) })
        case .multilabel:
            return .labels(request.samples.flatMap { s in
                let row = (0..<k).map { s.tags.contains($0) ? Float(1) : 0 }
                return Array((0..<variants).map { _ in row }.joined())
            })
        case .detection:
            return .classes(request.samples.flatMap { s in
                (0..<variants).flatMap { v in cellLabels(s.regions, flip: v, background: k) }
            })
        }
    }

    /// The region of each grid cell: the smallest region containing the cell's centre, if any (after the
    /// variant's mirroring).
    static func cellRegions(_ regions: [LabeledBox], flip: Int) -> [LabeledBox?] {
        let g = CellDescriptor.grid
        let boxes = regions.map { r -> LabeledBox in
            var b = r
            if flip == 1 { b.box.left = 1 - r.box.left - r.box.width }
            if flip == 2 { b.box.top = 1 - r.box.top - r.box.height }
            return b
        }.sorted { $0.box.area < $1.box.area }
        return (0..<(g * g)).map { c in
            let x = (Double(c % g) + 0.5) / Double(g)
            let y = (Double(c / g) + 0.5) / Double(g)
            return boxes.first { $0.box.left <= x && x <= $0.box.right && $0.box.top <= y && y <= $0.box.bottom }
        }
    }

    static func cellLabels(_ regions: [LabeledBox], flip: Int, background: Int) -> [Int] {
        cellRegions(regions, flip: flip).map { $0?.tag ?? background }
    }

    /// Matrix rows of samples: every variant when `augmented`, else the originals only.
    func rows(of samples: [Int], augmented: Bool) -> [Int] {
        samples.flatMap { i in
            (0..<(augmented ? variants : 1)).flatMap { v in
                let base = (i * variants + v) * rowsPerVariant
                return Array(base..<(base + rowsPerVariant))
            }
        }
    }

    /// The original variant's features of a sample.
    func features(of sample: Int) -> [Float] {
        let size = rowsPerVariant * matrix.columns
        let base = sample * variants * size
        return Array(matrix.values[base..<(base + size)])
    }

    func truth(of sample: Int) -> [TruthLabel] {
        let s = request.samples[sample]
        return request.kind == .detection
            ? s.regions.map { TruthLabel(tag: request.tags[$0.tag], box: $0.box) }
            : s.tags.map { TruthLabel(tag: request.tags[$0]) }
    }

    /// A stratified split of `among` (default: all samples) by each sample's first tag (Negative as its own
    /// stratum): about `fraction` of each stratum, at least one when the stratum has two or more, is held out.
    func holdOut(fraction: Double, seed: UInt64, among: [Int]? = nil) -> (train: [Int], test: [Int]) {
        var strata: [Int: [Int]] = [:]
        for i in among ?? Array(request.samples.indices) {
            let s = request.samples[i]
            strata[(request.kind == .detection ? s.regions.first?.tag : s.tags.first) ?? -1, default: []].append(i)
        }
        var rng = SeededRandomGenerator(seed: seed)
        var train: [Int] = []
        var test: [Int] = []
        for key in strata.keys.sorted() {
            var members = strata[key]!
            for i in stride(from: members.count - 1, to: 0, by: -1) { members.swapAt(i, rng.nextIndex(i + 1)) }
            let n = members.count >= 2 ? max(1, Int((Double(members.count) * fraction).rounded())) : 0
            test += members[..<n]
            train += members[n...]
        }
        return (train.sorted(), test.sorted())
    }
}
