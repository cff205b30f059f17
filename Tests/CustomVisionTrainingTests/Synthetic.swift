import CustomVisionCore
import CustomVisionTraining
import ImagePrep

/// Small seeded synthetic images the trainer must learn: textures and colours for classification, bright or dark
/// squares on noise for detection.
enum Synthetic {
    /// Classes: 0 horizontal stripes, 1 vertical stripes, 2 checkerboard-free noise with a warm tint.
    static func texture(_ cls: Int, seed: UInt64, side: Int = 48) -> RGBImage {
        var rng = SeededRandomGenerator(seed: seed)
        let period = 3 + rng.nextIndex(3)
        let phase = rng.nextIndex(period)
        var pixels = [UInt8](repeating: 0, count: side * side * 3)
        for y in 0..<side {
            for x in 0..<side {
                let noise = Double(rng.nextIndex(60)) - 30
                var v = 120.0 + noise
                switch cls {
                case 0: v += (y + phase) % period == 0 ? 70 : 0
                case 1: v += (x + phase) % period == 0 ? 70 : 0
                default: v += Double(rng.nextIndex(40))
                }
                let g = UInt8(max(0, min(255, v)))
                let i = (y * side + x) * 3
                pixels[i] = cls == 2 ? UInt8(min(255, Int(g) + 40)) : g
                pixels[i + 1] = g
                pixels[i + 2] = g
            }
        }
        return RGBImage(width: side, height: side, pixels: pixels)
    }

    /// A noisy image with one or two squares: tag 0 bright, tag 1 dark; boxes normalized.
    static func squares(seed: UInt64, side: Int = 64) -> (RGBImage, [LabeledBox]) {
        var rng = SeededRandomGenerator(seed: seed)
        var pixels = (0..<(side * side)).flatMap { _ -> [UInt8] in
            let v = UInt8(110 + rng.nextIndex(40))
            return [v, v, v]
        }
        var boxes: [LabeledBox] = []
        for n in 0..<(1 + rng.nextIndex(2)) {
            let size = 16 + rng.nextIndex(12)
            let x0 = n == 0 ? rng.nextIndex(side / 2 - size / 2) : side / 2 + rng.nextIndex(side / 2 - size)
            let y0 = rng.nextIndex(side - size)
            let tag = rng.nextIndex(2)
            for y in y0..<(y0 + size) {
                for x in x0..<(x0 + size) {
                    let v = UInt8(tag == 0 ? 220 + rng.nextIndex(30) : 20 + rng.nextIndex(30))
                    for c in 0..<3 { pixels[(y * side + x) * 3 + c] = v }
                }
            }
            let s = Double(side)
            boxes.append(LabeledBox(tag: tag, box: BoundingBox(left: Double(x0) / s, top: Double(y0) / s,
                                                               width: Double(size) / s, height: Double(size) / s)))
        }
        return (RGBImage(width: side, height: side, pixels: pixels), boxes)
    }

    static func classificationRequest(perClass: Int, seed: UInt64 = 1) -> TrainingRequest {
        let samples = (0..<(3 * perClass)).map { i in
            TrainingSample(id: "img\(i)", image: texture(i % 3, seed: seed &* 1000 &+ UInt64(i)), tags: [i % 3])
        }
        return TrainingRequest(kind: .multiclass, tags: ["horizontal", "vertical", "warm"], samples: samples,
                               seed: seed)
    }

    static func detectionRequest(images: Int, seed: UInt64 = 3) -> TrainingRequest {
        let samples = (0..<images).map { i in
            let (image, boxes) = squares(seed: seed &* 1000 &+ UInt64(i))
            return TrainingSample(id: "det\(i)", image: image, regions: boxes)
        }
        return TrainingRequest(kind: .detection, tags: ["bright", "dark"], samples: samples, seed: seed)
    }
}
