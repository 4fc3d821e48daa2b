import Testing
@testable import NERCore

struct ChunkingTests {
    @Test(arguments: [(1, 8), (8, 8), (9, 8), (100, 8), (1000, 38), (5000, 510), (511, 510)])
    func coresTileTheSequence(_ count: Int, _ capacity: Int) {
        let windows = Chunker.windows(count: count, capacity: capacity) { $0 % 3 == 0 ? 1 : 0 }
        var next = 0
        for w in windows {
            #expect(w.tokens.count <= capacity)
            #expect(w.core.lowerBound == next)
            #expect(w.tokens.lowerBound <= w.core.lowerBound && w.core.upperBound <= w.tokens.upperBound)
            #expect(!w.core.isEmpty)
            next = w.core.upperBound
        }
        #expect(next == count)
        if count > capacity {
            // Every core but the first has left context, every one but the last right context.
            for w in windows.dropFirst() { #expect(w.core.lowerBound - w.tokens.lowerBound >= min(capacity / 4, 32)) }
            for w in windows.dropLast() { #expect(w.tokens.upperBound - w.core.upperBound >= min(capacity / 4, 32)) }
        }
    }

    @Test func cutsPreferHigherPriority() {
        let windows = Chunker.windows(count: 200, capacity: 40) { $0 == 25 || $0 == 70 ? 5 : 0 }
        #expect(windows[0].core.upperBound == 25)
    }

    @Test func sentences() {
        func split(_ s: String) -> [String] {
            let scalars = Array(s.unicodeScalars)
            return SentenceSplitter.split(scalars[...]).map { r in
                var out = ""
                out.unicodeScalars.append(contentsOf: scalars[r])
                return out
            }
        }
        #expect(split("他说：“你好。”我们走吧！好？") == ["他说：“你好。”", "我们走吧！", "好？"])
        #expect(split("见 http://a.com/?q=1 吧") == ["见 http://a.com/?q=1 吧"])
        #expect(split("Really? Yes!") == ["Really?", " Yes!"])
        #expect(split("第一行\n第二行\r\n") == ["第一行\n", "第二行\r", "\n"])
        #expect(split("") == [])
        #expect(split("等等……然后") == ["等等……", "然后"])
    }
}
