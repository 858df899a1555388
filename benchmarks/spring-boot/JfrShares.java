import jdk.jfr.consumer.*;
import java.nio.file.*;
import java.util.*;
/**
 * Telltale's share of a JFR recording of the example clinic under load: of all execution samples, those whose
 * innermost frame outside the JDK is Telltale's (its own code and the JDK calls it makes; the driver and pool
 * under the JDBC wrapper are not counted), split into statement and connection work, unit-of-work bookkeeping
 * per request and detector runs, then by frame. With a second argument, the top stacks too.
 *
 * <p>Usage: {@code java JfrShares.java <recording.jfr> [stacks]}
 */
public class JfrShares {
    static String n(RecordedFrame x){return x.getMethod().getType().getName()+"."+x.getMethod().getName();}
    public static void main(String[] a) throws Exception {
        Map<String,Integer> cats = new HashMap<>(), own = new HashMap<>(), threads = new HashMap<>(), stacks = new HashMap<>();
        int total = 0, ownT = 0, anyT = 0;
        try (RecordingFile f = new RecordingFile(Path.of(a[0]))) {
            while (f.hasMoreEvents()) {
                RecordedEvent e = f.readEvent();
                if (!e.getEventType().getName().equals("jdk.ExecutionSample")) continue;
                RecordedStackTrace st = e.getStackTrace(); if (st == null) continue;
                total++;
                List<RecordedFrame> fr = st.getFrames();
                String tn = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
                threads.merge(tn == null ? "?" : tn.replaceAll("\\d+", "N"), 1, Integer::sum);
                boolean any=false;
                for (RecordedFrame x: fr){String m=n(x); if(m.startsWith("dev.telltale.")&&!m.startsWith("dev.telltale.examples")){any=true;break;}}
                if(any) anyT++;
                for (int i=0;i<fr.size();i++) {
                    String m = n(fr.get(i));
                    if (m.startsWith("java.")||m.startsWith("jdk.")||m.startsWith("sun.")) continue;
                    if (m.startsWith("dev.telltale.") && !m.startsWith("dev.telltale.examples")) {
                        ownT++; own.merge(m,1,Integer::sum);
                        String cat="jdbc (statement, connection)";
                        for (RecordedFrame y: fr){String q=n(y); if(q.contains("RouteUnits")||q.contains("UnitOfWork")){cat="unit of work per request";break;} if(q.startsWith("dev.telltale.core.internal.Scheduler")||q.contains("DetectorEngine")){cat="detector runs";break;}}
                        cats.merge(cat,1,Integer::sum);
                        StringBuilder b=new StringBuilder();
                        for(int j=0;j<Math.min(fr.size(),i+4);j++) b.append(n(fr.get(j))).append(" < ");
                        stacks.merge(b.toString(),1,Integer::sum);
                    }
                    break;
                }
            }
        }
        int T=total;
        System.out.printf("samples %d; any telltale frame %.1f%%; telltale own (incl. JDK it calls) %.1f%%%n", T, 100.0*anyT/T, 100.0*ownT/T);
        cats.forEach((k,v)->System.out.printf("   %s %.2f%%%n",k,100.0*v/T)); System.out.println("-- own by first non-JDK frame"); own.entrySet().stream().sorted((x,y)->y.getValue()-x.getValue()).limit(25).forEach(en->System.out.printf("%5.2f%% %s%n",100.0*en.getValue()/T, en.getKey()));
        System.out.println("-- threads"); threads.entrySet().stream().sorted((x,y)->y.getValue()-x.getValue()).limit(6).forEach(en->System.out.printf("%5.1f%% %s%n",100.0*en.getValue()/T, en.getKey()));
        if (a.length>1) { System.out.println("-- stacks"); stacks.entrySet().stream().sorted((x,y)->y.getValue()-x.getValue()).limit(25).forEach(en->System.out.printf("%5.2f%% %s%n",100.0*en.getValue()/T, en.getKey()));}
    }
}
