package dev.telltale.jvm.internal;

import java.util.List;
import java.util.Optional;

/** Finds the first application frame on the current stack, skipping JDBC, pool, proxy and JDK frames. */
public final class CallSites {
    private static final StackWalker WALKER = StackWalker.getInstance();
    private static final List<String> FRAMEWORK = List.of(
            "java.", "javax.", "jdk.", "sun.", "com.sun.", "net.ttddyy.", "com.zaxxer.", "org.postgresql.",
            "com.mysql.", "org.mariadb.", "oracle.jdbc.", "org.h2.", "org.hibernate.", "org.springframework.",
            "org.jdbi.", "org.jooq.", "org.apache.ibatis.", "org.mybatis.", "com.querydsl.", "io.micrometer.",
            "dev.telltale.jvm.internal.", "dev.telltale.jvm.TelltaleJvm", "dev.telltale.jvm.UnitOfWork");

    private final List<String> extraFramework;

    public CallSites(List<String> extraFramework) {
        this.extraFramework = List.copyOf(extraFramework);
    }

    public String capture() {
        Optional<StackWalker.StackFrame> frame = WALKER.walk(s -> s.filter(f -> !isFramework(f.getClassName())).findFirst());
        return frame.map(f -> f.getClassName() + "." + f.getMethodName() + "(" + f.getFileName() + ":" + f.getLineNumber() + ")")
                .orElse("unknown");
    }

    private boolean isFramework(String className) {
        for (String p : FRAMEWORK) {
            if (className.startsWith(p)) {
                return true;
            }
        }
        for (String p : extraFramework) {
            if (className.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** The top frames of a stack, one per line, for evidence. */
    public static String format(StackTraceElement[] stack, int depth) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(depth, stack.length); i++) {
            if (i > 0) {
                b.append(" <- ");
            }
            b.append(stack[i]);
        }
        return b.toString();
    }
}
