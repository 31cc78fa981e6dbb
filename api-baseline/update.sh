#!/usr/bin/env bash
# Records the public API of the library modules as the baseline that japicmp compares every build
# against (see README.md here). Run it only when a change to the public surface is meant, and
# commit what it writes with that change. Extra arguments go to Maven (e.g. -o for offline).
set -euo pipefail
export TZ=UTC LC_ALL=C
cd "$(dirname "$0")/.."
# package only: never install (the local repository may be shared); the format is not this
# script's business, nor are javadoc and sources jars
mvn -B -ntp -q package -DskipTests -Dapi.baseline.skip=true -Dspotless.check.skip=true \
  -Dmaven.javadoc.skip=true -Dmaven.source.skip=true -pl core,dnsbl,auth,ratelimit -am "$@"
for module in core dnsbl auth ratelimit; do
  artifact="mailwarden-$module"
  jar=$(ls "$module"/target/"$artifact"-*.jar | grep -v -e '-sources' -e '-javadoc' -e '-tests' | head -1)
  work=$(mktemp -d)
  (cd "$work" && jar xf "$OLDPWD/$jar")
  # only the API: internal packages and the manifest's build details are left out
  find "$work" -type d -name internal -prune -exec rm -rf {} +
  rm -rf "$work/META-INF"
  # fixed order and timestamps, so an unchanged API gives an unchanged jar; module-info.class stays
  # out of it (it names the internal packages removed above; japicmp compares classes) and opens
  # the text instead: the module's requires and exports
  (cd "$work" && find . -name '*.class' ! -name module-info.class | LC_ALL=C sort > classes.txt \
      && find . -exec touch -h -d '2000-01-01T00:00:00Z' {} + \
      && rm -f "$OLDPWD/api-baseline/$artifact.jar" \
      && jar --create --file "$OLDPWD/api-baseline/$artifact.jar" --no-manifest @classes.txt)
  # the same surface as text, for reviewers: every public or protected type (nested ones too, not
  # anonymous ones) with its public and protected members, as javap prints them
  (cd "$work" && { if [ -f module-info.class ]; then
        javap module-info.class | sed -e '/^Compiled from /d' -e 's/^\(module [^@ ]*\)@[^ ]* {/\1 {/'
      fi
      sed -e 's|^\./||' -e 's|\.class$||' -e 's|/|.|g' classes.txt | grep -v '\$[0-9]' \
      | xargs javap -protected -cp . \
      | awk '/^Compiled from /{next}
             /^[^ }]/{keep = ($0 ~ /^(public|protected) /)}
             keep'; }) > "api-baseline/$artifact.txt"
  rm -rf "$work"
  types=$(grep -E '^public .*(class|interface|enum|record) ' "api-baseline/$artifact.txt" \
      | grep -c -v -E '(class|interface|enum|record) [^ ]*\$') || true
  nested=$(grep -E '^(public|protected) .*(class|interface|enum|record) [^ ]*\$' "api-baseline/$artifact.txt" | wc -l)
  methods=$(grep -c -E '^  (public|protected) .*\(' "api-baseline/$artifact.txt") || true
  echo "$artifact: $types public top-level types (+$nested nested), $methods public/protected methods and constructors"
done
