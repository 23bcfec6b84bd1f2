package dev.linkvault.source;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;

/**
 * The one include/ignore filter of every source, applied to a depth-first stream of entries
 * (a folder before anything inside it), with the rules of {@link PathFilter}:
 * <ul>
 *   <li>a folder an ignore pattern matches is left out with everything below it;</li>
 *   <li>a file or symlink is kept when {@link PathFilter#keeps} says so;</li>
 *   <li>a folder is sent once something below it is kept, outermost first, or when it ends up
 *       empty but {@link PathFilter#keepsEmptyDir} keeps it.</li>
 * </ul>
 * A folder is left when the stream moves past it: a walker needs to say nothing when it is
 * done with one, and a database's sorted rows work alike. A file whose folder never came (a
 * row whose parent row is missing) gets that folder made, with a note. Paths' first component
 * is the source's top folder; patterns apply to the path below it.
 */
public final class TreeFilter {
    /**
     * The order of names within a folder, for every source: by code point, which is the byte
     * order of their UTF-8 (as databases sort them when told to compare bytes). Java's own
     * String order differs for characters above U+FFFF.
     */
    public static final java.util.Comparator<String> NAME_ORDER = (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    };

    private final PathFilter filter;
    private final Sink sink;
    /** Open folders, innermost first. */
    private final Deque<Frame> open = new ArrayDeque<>();

    private static final class Frame {
        final Entry dir;
        final boolean pruned;
        /** A folder linkvault made, kept even when empty. */
        final boolean keepEmpty;
        boolean sent;

        Frame(Entry dir, boolean pruned, boolean keepEmpty, boolean sent) {
            this.dir = dir;
            this.pruned = pruned;
            this.keepEmpty = keepEmpty;
            this.sent = sent;
        }
    }

    public TreeFilter(PathFilter filter, Sink sink) {
        this.filter = filter;
        this.sink = sink;
    }

    /** The source's top folder (or one of them): sent at once, never filtered. */
    public void top(Entry dir) throws InterruptedException {
        leaveUntilInside(dir.path());
        sink.entry(dir);
        open.push(new Frame(dir, false, true, true));
    }

    /**
     * A folder of the stream. False when it is left out (pruned, or below a pruned folder): a
     * walker then need not go into it.
     */
    public boolean dir(Entry dir) throws InterruptedException {
        if (!arrive(dir)) {
            return false;
        }
        boolean pruned = filter.prunes(rel(dir.path()));
        open.push(new Frame(dir, pruned, false, false));
        return !pruned;
    }

    /** A folder linkvault makes (a group such as a Trash): kept even when empty, not filtered itself. */
    public void group(Entry dir) throws InterruptedException {
        if (arrive(dir)) {
            open.push(new Frame(dir, false, true, false));
        }
    }

    /** A file or symlink of the stream: sent when kept. */
    public void leaf(Entry e) throws InterruptedException {
        if (arrive(e) && filter.keeps(rel(e.path()))) {
            send(e);
        }
    }

    /** The stream has ended: folders still open are left. */
    public void finish() throws InterruptedException {
        leaveUntilInside(List.of());
    }

    /** Leaves the folders the entry is not in; false when it lies below a pruned folder. */
    private boolean arrive(Entry e) throws InterruptedException {
        List<String> path = e.path();
        leaveUntilInside(path.subList(0, path.size() - 1));
        makeMissingParents(e);
        for (Frame f : open) {
            if (f.pruned) {
                return false;
            }
        }
        return true;
    }

    /** Folders between the innermost open one and the entry that the stream never gave. */
    private void makeMissingParents(Entry e) throws InterruptedException {
        List<String> parent = e.path().subList(0, e.path().size() - 1);
        int have = open.isEmpty() ? 0 : open.peek().dir.path().size();
        if (parent.size() <= have) {
            return;
        }
        Instant when = e.mtime();
        for (int depth = have + 1; depth <= parent.size(); depth++) {
            List<String> p = List.copyOf(parent.subList(0, depth));
            Entry made = Entry.dir(p, when, 0755);
            if (depth == 1) {
                top(made);
            } else {
                open.push(new Frame(made, filter.prunes(rel(p)), false, false));
            }
            sink.note(p, "folder has no entry of its own in the source (its row is missing); made to hold what is in it");
        }
    }

    /** Leaves open folders until the innermost is {@code parent} or one of its ancestors. */
    private void leaveUntilInside(List<String> parent) throws InterruptedException {
        while (!open.isEmpty() && !isPrefix(open.peek().dir.path(), parent)) {
            Frame f = open.pop();
            if (!f.sent && !f.pruned && (f.keepEmpty || filter.keepsEmptyDir(rel(f.dir.path())))) {
                open.push(f);
                sendOpen();
                open.pop();
            }
        }
    }

    private static boolean isPrefix(List<String> prefix, List<String> path) {
        return prefix.size() <= path.size() && path.subList(0, prefix.size()).equals(prefix);
    }

    /** Sends an entry after the open folders that lead to it and wait. */
    private void send(Entry e) throws InterruptedException {
        sendOpen();
        sink.entry(e);
    }

    private void sendOpen() throws InterruptedException {
        List<Frame> waiting = new ArrayList<>();
        for (Iterator<Frame> it = open.iterator(); it.hasNext(); ) {
            Frame f = it.next();
            if (f.sent) {
                break;
            }
            waiting.add(f);
        }
        for (int i = waiting.size() - 1; i >= 0; i--) {
            waiting.get(i).sent = true;
            sink.entry(waiting.get(i).dir);
        }
    }

    private static String rel(List<String> path) {
        return String.join("/", path.subList(1, path.size()));
    }
}
