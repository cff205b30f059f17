import Dispatch
import ImagePrep

/// An image resampled to a `side` × `side` square of float planes (0...255): red, green, blue and gray.
/// Any input size works; boxes stay valid because they are normalized.
struct Planes {
    var side: Int
    var red: [Float]
    var green: [Float]
    var blue: [Float]
    var gray: [Float]

    /// Area-averages `image` to `side` × `side`.
    init(_ image: RGBImage, side: Int) {
        self.side = side
        let count = side * side
        var (r, g, b, gr) = ([Float](repeating: 0, count: count), [Float](repeating: 0, count: count),
                             [Float](repeating: 0, count: count), [Float](repeating: 0, count: count))
        r.withUnsafeMutableBufferPointer { r in
            g.withUnsafeMutableBufferPointer { g in
                b.withUnsafeMutableBufferPointer { b in
                    gr.withUnsafeMutableBufferPointer { gray in
                        Self.resample(image, side: side, into: PlanePointers(
                            red: r.baseAddress!, green: g.baseAddress!, blue: b.baseAddress!, gray: gray.baseAddress!))
                    }
                }
            }
        }
        (red, green, blue, gray) = (r, g, b, gr)
    }

    /// Runs `body` with pointers to the four planes.
    func withPointers<R>(_ body: (PlanePointers) -> R) -> R {
        red.withUnsafeBufferPointer { r in
            green.withUnsafeBufferPointer { g in
                blue.withUnsafeBufferPointer { b in
                    gray.withUnsafeBufferPointer { gray in
                        body(PlanePointers(red: UnsafeMutablePointer(mutating: r.baseAddress!),
                                           green: UnsafeMutablePointer(mutating: g.baseAddress!),
                                           blue: UnsafeMutablePointer(mutating: b.baseAddress!),
                                           gray: UnsafeMutablePointer(mutating: gray.baseAddress!)))
                    }
                }
            }
        }
    }

    /// The area average of `image` at `side` × `side` written to the planes of `out` (`side²` values each; left
    /// alone for an empty image).
    static func resample(_ image: RGBImage, side: Int, into out: PlanePointers) {
        let w = max(image.width, 1)
        let h = max(image.height, 1)
        // Source columns x0..<x1 of every output column.
        let columns = (0..<side).map { ox in
            let x0 = ox * w / side
            return (x0, max(x0 + 1, (ox + 1) * w / side))
        }
        let (r, g, b, gray) = (out.red, out.green, out.blue, out.gray)
        let rows = (0..<side).map { oy in
            let y0 = oy * h / side
            return (y0, max(y0 + 1, (oy + 1) * h / side))
        }
        @inline(__always) func store(_ o: Int, _ sr: Float, _ sg: Float, _ sb: Float, _ n: Float) {
            r[o] = sr / n
            g[o] = sg / n
            b[o] = sb / n
            gray[o] = 0.299 * r[o] + 0.587 * g[o] + 0.114 * b[o]
        }
        let window = (rows.map { $0.1 - $0.0 }.max() ?? 0) * (columns.map { $0.1 - $0.0 }.max() ?? 0)
        image.pixels.withUnsafeBufferPointer { px in
            guard image.width > 0, image.height > 0 else { return }
            guard window * 255 < 1 << 24 else {
                // Windows whose float sums could round: the sums in their defining order.
                for (oy, (y0, y1)) in rows.enumerated() {
                    for (ox, (x0, x1)) in columns.enumerated() {
                        var (sr, sg, sb): (Float, Float, Float) = (0, 0, 0)
                        for y in y0..<y1 {
                            var i = (y * w + x0) * 3
                            for _ in x0..<x1 {
                                sr += Float(px[i])
                                sg += Float(px[i + 1])
                                sb += Float(px[i + 2])
                                i += 3
                            }
                        }
                        store(oy * side + ox, sr, sg, sb, Float((y1 - y0) * (x1 - x0)))
                    }
                }
                return
            }
            // Every partial sum of a window is an integer below 2^24, so the float sums are exact in any order:
            // add the window's rows as integers, then its columns.
            let sums = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: w * 3)
            let counts = UnsafeMutablePointer<Float>.allocate(capacity: side)
            defer {
                sums.deallocate()
                counts.deallocate()
            }
            for (oy, (y0, y1)) in rows.enumerated() {
                sums.update(repeating: 0)
                for y in y0..<y1 {
                    let row = px.baseAddress! + y * w * 3
                    for i in 0..<(w * 3) { sums[i] &+= UInt32(row[i]) }
                }
                for (ox, (x0, x1)) in columns.enumerated() {
                    var (sr, sg, sb): (UInt32, UInt32, UInt32) = (0, 0, 0)
                    for x in x0..<x1 {
                        sr &+= sums[3 * x]
                        sg &+= sums[3 * x + 1]
                        sb &+= sums[3 * x + 2]
                    }
                    let o = oy * side + ox
                    (r[o], g[o], b[o], counts[ox]) = (Float(sr), Float(sg), Float(sb), Float((y1 - y0) * (x1 - x0)))
                }
                average(oy * side, side: side, counts: counts, out)
            }
        }
    }

    /// Divides the sums of the row of `side` pixels at `start` by their pixel counts and computes gray, eight pixels
    /// at a time (the same operations per pixel as the scalar tail).
    private static func average(_ start: Int, side: Int, counts n: UnsafePointer<Float>, _ out: PlanePointers) {
        let (r, g, b, gray) = (out.red + start, out.green + start, out.blue + start, out.gray + start)
        var x = 0
        while x + 8 <= side {
            @inline(__always) func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
                UnsafeRawPointer(p + x).loadUnaligned(as: SIMD8<Float>.self)
            }
            @inline(__always) func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
                UnsafeMutableRawPointer(p + x).storeBytes(of: v, as: SIMD8<Float>.self)
            }
            let count = load(n)
            let (vr, vg, vb) = (load(r) / count, load(g) / count, load(b) / count)
            store(vr, r)
            store(vg, g)
            store(vb, b)
            store(0.299 * vr + 0.587 * vg + 0.114 * vb, gray)
            x += 8
        }
        for x in x..<side {
            (r[x], g[x], b[x]) = (r[x] / n[x], g[x] / n[x], b[x] / n[x])
            gray[x] = 0.299 * r[x] + 0.587 * g[x] + 0.114 * b[x]
        }
    }

    /// The planes mirrored left-right (`horizontal`) or top-bottom.
    func flipped(horizontal: Bool) -> Planes {
        var copy = self
        let s = side
        func flip(_ p: [Float]) -> [Float] {
            var out = p
            for y in 0..<s {
                for x in 0..<s {
                    out[y * s + x] = horizontal ? p[y * s + (s - 1 - x)] : p[(s - 1 - y) * s + x]
                }
            }
            return out
        }
        copy.red = flip(red)
        copy.green = flip(green)
        copy.blue = flip(blue)
        copy.gray = flip(gray)
        return copy
    }
}

/// The four planes of an image in a caller's buffers (a ``Planes`` or a workspace).
struct PlanePointers {
    var red: UnsafeMutablePointer<Float>
    var green: UnsafeMutablePointer<Float>
    var blue: UnsafeMutablePointer<Float>
    var gray: UnsafeMutablePointer<Float>
}

/// Half-size average of a square plane.
func downsample2x(_ plane: [Float], side: Int) -> [Float] {
    guard side >= 2 else { return [] }
    return [Float](unsafeUninitializedCapacity: (side / 2) * (side / 2)) { out, n in
        plane.withUnsafeBufferPointer { downsample2x($0.baseAddress!, side: side, into: out.baseAddress!) }
        n = out.count
    }
}

/// ``downsample2x(_:side:)`` written to `out`.
func downsample2x(_ plane: UnsafePointer<Float>, side: Int, into out: UnsafeMutablePointer<Float>) {
    let half = side / 2
    for y in 0..<half {
        for x in 0..<half {
            let i = 2 * y * side + 2 * x
            out[y * half + x] = 0.25 * (plane[i] + plane[i + 1] + plane[i + side] + plane[i + side + 1])
        }
    }
}

/// Runs `body(i)` for `0..<count` on all cores; each index must write only its own output.
func parallelFor(_ count: Int, _ body: (Int) -> Void) {
    guard count > 1 else {
        if count == 1 { body(0) }
        return
    }
    // Callers hand each index disjoint output; the closure itself does not outlive the call.
    withoutActuallyEscaping(body) { escapable in
        nonisolated(unsafe) let work = escapable
        DispatchQueue.concurrentPerform(iterations: count) { work($0) }
    }
}
