package dev.linkvault.source;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Hands a depth-first walk's entries to a sink so that, with include rules, a folder is sent only
 * once something below it is kept (or it is kept itself as an empty folder): folders wait here
 * until their first kept child, then go out outermost first.
 */
public final class FilteredTree {
    private final Sink sink;
    private final Deque<Entry> pending = new ArrayDeque<>();

    public FilteredTree(Sink sink) {
        this.sink = sink;
    }

    /** A folder the walk enters; it is held until something in it is sent. */
    public void enter(Entry dir) {
        pending.push(dir);
    }

    /**
     * The walk is done with a folder: if nothing in it was sent, it is sent now only when
     * {@code keepEmpty} says so.
     */
    public void leave(Entry dir, boolean keepEmpty) throws InterruptedException {
        if (!pending.isEmpty() && pending.peek() == dir) {
            pending.pop();
            if (keepEmpty) {
                emit(dir);
            }
        }
    }

    /** Sends an entry, after the folders that lead to it and still wait. */
    public void emit(Entry e) throws InterruptedException {
        if (!pending.isEmpty()) {
            List<Entry> chain = new ArrayList<>(pending);
            pending.clear();
            for (int i = chain.size() - 1; i >= 0; i--) {
                sink.entry(chain.get(i));
            }
        }
        sink.entry(e);
    }
}
