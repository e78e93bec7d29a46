# names.awk - for scripts/check-deps.sh: prints FILE:LINE: TEXT for each
# line whose code (comments left out) contains WORD, in any case.
FNR == 1 { incomment = 0 }
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
    if (tolower(out) ~ WORD) print FILENAME ":" FNR ": " $0
}
