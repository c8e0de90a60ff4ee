package dev.grpcshop.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The application's own keys (app.*) are the same in application.properties, the configuration reference
 * (docs/configuration.md) and the proto comments that name them: none documented that the app does not have, none
 * the app has that is not documented.
 */
class ConfigurationReferenceTest {

    private static final Pattern APP_KEY = Pattern.compile("\\bapp\\.[a-z][a-z0-9.-]*[a-z0-9]");

    @Test
    void everyAppKeyOfTheApplicationIsDocumentedAndEveryDocumentedOneExists() throws IOException {
        Set<String> configured = configuredKeys();
        Set<String> documented = documentedKeys(Files.readString(Path.of("docs/configuration.md")));

        Set<String> undocumented = new TreeSet<>(configured);
        undocumented.removeAll(documented);
        assertEquals(Set.of(), undocumented, "keys in application.properties missing from docs/configuration.md");
        Set<String> unknown = new TreeSet<>(documented);
        unknown.removeAll(configured);
        assertEquals(Set.of(), unknown, "keys in docs/configuration.md that the application does not have");
    }

    @Test
    void everyKeyAProtoCommentNamesExists() throws IOException {
        Set<String> named = new TreeSet<>();
        try (Stream<Path> protos = Files.walk(Path.of("proto"))) {
            for (Path proto : protos.filter(p -> p.toString().endsWith(".proto")).toList()) {
                named.addAll(keysIn(Files.readString(proto)));
            }
        }
        named.removeAll(configuredKeys());
        assertEquals(Set.of(), named, "keys named in proto/ comments that the application does not have");
    }

    /** The app.* keys application.properties sets, in any profile; "#app.x=" is an optional key without a default. */
    private static Set<String> configuredKeys() throws IOException {
        Set<String> configured = new TreeSet<>();
        Pattern setting = Pattern.compile("^(%[\\w,-]+\\.|#)?(app\\.[^=\\s]+)=");
        for (String line : Files.readAllLines(Path.of("src/main/resources/application.properties"))) {
            Matcher key = setting.matcher(line);
            if (key.find()) {
                configured.add(key.group(2));
            }
        }
        return configured;
    }

    /** The app.* keys in the first column of the reference's tables; "`a.b.c` / `d`" names a.b.c and a.b.d. */
    private static Set<String> documentedKeys(String reference) {
        Set<String> keys = new TreeSet<>();
        for (String line : reference.lines().filter(l -> l.startsWith("| `app.")).toList()) {
            String cell = line.substring(1, line.indexOf('|', 1));
            Matcher key = Pattern.compile("`([a-z0-9.-]+)`").matcher(cell);
            String first = null;
            while (key.find()) {
                String name = key.group(1);
                if (first == null) {
                    first = name;
                    keys.add(name);
                } else {
                    keys.add(first.substring(0, first.lastIndexOf('.') + 1) + name);
                }
            }
        }
        return keys;
    }

    private static Set<String> keysIn(String text) {
        Set<String> keys = new TreeSet<>();
        Matcher key = APP_KEY.matcher(text);
        while (key.find()) {
            keys.add(key.group());
        }
        return keys;
    }
}
