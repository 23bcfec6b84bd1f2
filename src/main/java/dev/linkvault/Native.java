package dev.linkvault;

/**
 * linkvault's native helper ({@code liblinkvault.so}, built from {@code src/main/c} by
 * {@code mvn package} where gcc is), loaded once. The launcher names it in the system property
 * {@code linkvault.native}; where it is not named or does not load, every user of it
 * ({@link NativeDigest}, {@link NativeDir}) falls back to the JDK's way, which gives the same results
 * more slowly.
 */
public final class Native {
    /** The property naming the helper library; {@code off} or empty: none. */
    public static final String PROPERTY = "linkvault.native";

    /** The layout this code reads (the C side's {@code LINKVAULT_ABI}): a helper of another build is not used. */
    static final int ABI = 10;

    private Native() {}

    private static native int abi();

    /** Whether the helper is loaded. */
    public static boolean loaded() {
        return Loaded.WHY_NOT == null;
    }

    /** Why the helper is not loaded, or null when it is. */
    public static String whyNot() {
        return Loaded.WHY_NOT;
    }

    private static final class Loaded {
        static final String WHY_NOT;

        static {
            String path = System.getProperty(PROPERTY, "");
            String why = null;
            if (path.isEmpty() || path.equals("off")) {
                why = "no native helper named";
            } else {
                try {
                    // System.load takes only an absolute path: a relative one is taken from the working folder
                    System.load(java.nio.file.Path.of(path).toAbsolutePath().toString());
                } catch (UnsatisfiedLinkError | SecurityException | java.nio.file.InvalidPathException e) {
                    why = "the native helper did not load: " + e.getMessage();
                }
                if (why == null) {
                    int abi;
                    try {
                        abi = abi();
                    } catch (UnsatisfiedLinkError before) {
                        abi = 0; // a helper older than the layout number
                    }
                    if (abi != ABI) {
                        why = "the native helper " + path + " is of another build (layout " + abi + ", not " + ABI
                                + "); rebuild it with: mvn -q -DskipTests package";
                    }
                }
            }
            WHY_NOT = why;
        }
    }
}
