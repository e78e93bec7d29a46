# code.awk - for scripts/check-deps.sh: reads C files with their comments
# and string literals' text left out (names in strings count in mode names)
# and, by MODE:
#   cycles  the files of one module: prints each set of them that call each
#           other in a cycle (a strongly connected set of "calls a function
#           defined in") of more than MAX files. Definitions are non-static
#           functions at column 0.
#   names   prints FILE:LINE: TEXT for each line whose code contains WORD,
#           in any case.
FNR == 1 { nf++; file[nf] = FILENAME; incomment = 0 }
{
    line = $0; out = ""
    while (line != "") {
        if (incomment) {
            p = index(line, "*/")
            if (!p) { line = ""; break }
            line = substr(line, p + 2); incomment = 0; continue
        }
        p = index(line, "/*")
        if (!p) { out = out line; break }
        out = out substr(line, 1, p - 1); line = substr(line, p + 2); incomment = 1
    }
    sub(/\/\/.*/, "", out)
    if (MODE == "names") {
        if (tolower(out) ~ WORD) print FILENAME ":" FNR ": " $0
        next
    }
    gsub(/"([^"\\]|\\.)*"/, "\"\"", out)
    if (out ~ /^[A-Za-z_]/ && out !~ /^(static|typedef|extern|#)/ && out !~ /;[ \t]*$/ && out ~ /\(/) {
        h = substr(out, 1, index(out, "(") - 1)
        if (match(h, /[A-Za-z_][A-Za-z_0-9]*[ \t]*$/)) {
            name = substr(h, RSTART, RLENGTH); gsub(/[ \t]/, "", name)
            def[name] = nf
        }
    }
    t = out
    while (match(t, /[A-Za-z_][A-Za-z_0-9]*[ \t]*\(/)) {
        id = substr(t, RSTART, RLENGTH); sub(/[ \t]*\($/, "", id)
        calls[nf, id] = 1
        t = substr(t, RSTART + RLENGTH)
    }
}
END {
    if (MODE != "cycles") exit
    for (k in calls) {
        split(k, a, SUBSEP)
        if ((a[2] in def) && def[a[2]] != a[1]) reach[a[1], def[a[2]]] = 1
    }
    for (m = 1; m <= nf; m++)
        for (i = 1; i <= nf; i++)
            if ((i, m) in reach)
                for (j = 1; j <= nf; j++)
                    if ((m, j) in reach) reach[i, j] = 1
    for (i = 1; i <= nf; i++) {
        if (i in done) continue
        members = file[i]; n = 1; done[i] = 1
        for (j = 1; j <= nf; j++)
            if (j != i && ((i, j) in reach) && ((j, i) in reach)) {
                members = members " " file[j]; n++; done[j] = 1
            }
        if (n > MAX) print n " files call each other: " members
    }
}
