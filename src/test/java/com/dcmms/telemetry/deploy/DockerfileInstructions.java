package com.dcmms.telemetry.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** A Dockerfile's instructions, with continuation lines joined and comments dropped. */
record DockerfileInstructions(Path file, List<Instruction> instructions) {

  /** One instruction: its keyword in upper case and the rest of its (joined) line. */
  record Instruction(String keyword, String arguments) {}

  static DockerfileInstructions read(Path file) throws IOException {
    List<Instruction> instructions = new ArrayList<>();
    StringBuilder pending = new StringBuilder();
    for (String line : Files.readAllLines(file)) {
      String trimmed = line.strip();
      if (trimmed.startsWith("#") || (trimmed.isEmpty() && pending.length() == 0)) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        pending.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      pending.append(trimmed);
      String whole = pending.toString().strip();
      pending.setLength(0);
      if (!whole.isEmpty()) {
        String[] parts = whole.split("\\s+", 2);
        instructions.add(
            new Instruction(
                parts[0].toUpperCase(Locale.ROOT),
                parts.length > 1 ? parts[1].replaceAll("\\s+", " ") : ""));
      }
    }
    return new DockerfileInstructions(file, instructions);
  }

  /** The arguments of every instruction with this keyword, in order. */
  List<String> all(String keyword) {
    return instructions.stream()
        .filter(i -> i.keyword().equals(keyword))
        .map(Instruction::arguments)
        .collect(Collectors.toList());
  }

  /** The arguments of the last instruction with this keyword (the one that takes effect). */
  String last(String keyword) {
    List<String> all = all(keyword);
    if (all.isEmpty()) {
      throw new AssertionError(file + " has no " + keyword + " instruction");
    }
    return all.get(all.size() - 1);
  }
}
