package io.cotrain.cli;

import java.util.ArrayList;
import java.util.List;

/** Plain-text tables as the commands print them: columns padded to their widest cell plus two spaces. */
final class TextTable {
    private TextTable() {}

    /**
     * @param cells rows of cells, header first, every row as long as the header
     * @return the rows as lines, trailing blanks stripped
     */
    static List<String> lines(List<List<String>> cells) {
        int[] widths = new int[cells.getFirst().size()];
        for (List<String> line : cells) {
            for (int c = 0; c < line.size(); c++)
                widths[c] = Math.max(widths[c], line.get(c).length());
        }
        List<String> lines = new ArrayList<>();
        for (List<String> line : cells) {
            StringBuilder text = new StringBuilder();
            for (int c = 0; c < line.size(); c++) {
                String cell = line.get(c);
                text.append(c < line.size() - 1 ? String.format("%-" + (widths[c] + 2) + "s", cell) : cell);
            }
            lines.add(text.toString().stripTrailing());
        }
        return lines;
    }
}
