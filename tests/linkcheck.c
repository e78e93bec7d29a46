/* linkcheck.c - the main() of the link checks (CMakeLists.txt,
 * sweep_module): a library linked whole with only the libraries the module
 * map lets it use. It never runs; that it links is the check. */
int main(void)
{
    return 0;
}
