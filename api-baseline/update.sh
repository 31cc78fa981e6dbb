#!/usr/bin/env bash
# Records the public API of the library modules as the baseline that japicmp compares every build
# against (see README.md here). Run it only when a change to the public surface is meant, and
# commit what it writes with that change.
set -euo pipefail
cd "$(dirname "$0")/.."
# extra arguments go to Maven, e.g. -o (offline)
mvn -B -ntp -q "$@" package -DskipTests -Dapi.baseline.skip=true -pl core,dnsbl,auth,ratelimit -am
for module in core dnsbl auth ratelimit; do
  artifact="mailwarden-$module"
  jar=$(ls "$module"/target/"$artifact"-*.jar | grep -v -e '-sources' -e '-javadoc' -e '-tests' | head -1)
  work=$(mktemp -d)
  (cd "$work" && jar xf "$OLDPWD/$jar")
  # only the API: internal packages and the manifest's build details are left out
  find "$work" -type d -name internal -prune -exec rm -rf {} +
  rm -rf "$work/META-INF"
  # module-info.class stays out of the jar (it names the internal packages removed above; japicmp
  # compares classes) but opens the text: the module's requires and exports
  (cd "$work" && find . -name '*.class' ! -name module-info.class | LC_ALL=C sort > classes.txt && jar --create --file "$OLDPWD/api-baseline/$artifact.jar" --no-manifest @classes.txt)
  # the same surface as text, for reviewers: every public and protected signature
  (cd "$work" && { if [ -f module-info.class ]; then javap module-info.class | sed "s/^\(module [^@ ]*\)@[^ ]*/\1/"; fi
      sed -e 's|^\./||' -e 's|\.class$||' -e 's|/|.|g' classes.txt | grep -v '\$[0-9]' \
      | xargs javap -protected -cp . ; }) > "api-baseline/$artifact.txt"
  rm -rf "$work"
  echo "$artifact: $(grep -c -E '^(public|protected) .*(class|interface|enum|record) ' "api-baseline/$artifact.txt") public types, $(grep -c -E '^  (public|protected) ' "api-baseline/$artifact.txt") public members"
done
