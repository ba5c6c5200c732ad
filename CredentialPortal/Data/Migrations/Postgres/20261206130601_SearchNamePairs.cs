using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CredentialPortal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SearchNamePairs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A two-character search found its matches in a GIN index over each name's character pairs, and then read a
            // table page per match to count them (a GIN index has no index-only scan): 877 matches at 100k read 487 of
            // the copy's 656 pages. Here each (pair, id) is a key of a B-tree, so the same count reads its matches from a
            // few index pages. It costs about 0.9 kB a credential (a row and a key per distinct pair of its name). The
            // trigger keeps the pairs on an insert, a rename and a deletion (an index on "Id" for a cascade would cost as
            // much again), and a TRUNCATE of the credentials empties them. The trigger is replaced before the pairs are
            // filled: dropping it locks the credentials until the migration commits, so an instance still running the
            // old version cannot write a name the fill does not see.
            migrationBuilder.Sql("""
                CREATE TABLE "CredentialNamePairs" (
                    "Pair" text COLLATE "C" NOT NULL,
                    "Id" integer NOT NULL,
                    PRIMARY KEY ("Pair", "Id"));
                DROP TRIGGER credential_name_search_keep ON "Credentials";
                CREATE OR REPLACE FUNCTION credential_name_search_keep() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP <> 'INSERT' THEN
                        DELETE FROM "CredentialNamePairs"
                        WHERE "Pair" = ANY (credential_name_bigrams(OLD."NameFolded")) AND "Id" = OLD."Id";
                    END IF;
                    IF TG_OP <> 'DELETE' THEN
                        INSERT INTO "CredentialNameSearch" ("Id", "Name") VALUES (NEW."Id", NEW."NameFolded")
                        ON CONFLICT ("Id") DO UPDATE SET "Name" = EXCLUDED."Name";
                        INSERT INTO "CredentialNamePairs" ("Pair", "Id") SELECT unnest(credential_name_bigrams(NEW."NameFolded")), NEW."Id";
                    END IF;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER credential_name_search_keep AFTER INSERT OR DELETE OR UPDATE OF "Name" ON "Credentials"
                    FOR EACH ROW EXECUTE FUNCTION credential_name_search_keep();
                CREATE FUNCTION credential_name_pairs_clear() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    TRUNCATE "CredentialNamePairs";
                    RETURN NULL;
                END $$;
                CREATE TRIGGER credential_name_pairs_clear AFTER TRUNCATE ON "Credentials"
                    FOR EACH STATEMENT EXECUTE FUNCTION credential_name_pairs_clear();
                INSERT INTO "CredentialNamePairs" ("Pair", "Id") SELECT unnest(credential_name_bigrams("NameFolded")), "Id" FROM "Credentials";
                DROP INDEX "IX_CredentialNameSearch_Bigrams";
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER credential_name_pairs_clear ON "Credentials";
                DROP FUNCTION credential_name_pairs_clear();
                DROP TRIGGER credential_name_search_keep ON "Credentials";
                CREATE OR REPLACE FUNCTION credential_name_search_keep() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO "CredentialNameSearch" ("Id", "Name") VALUES (NEW."Id", NEW."NameFolded")
                    ON CONFLICT ("Id") DO UPDATE SET "Name" = EXCLUDED."Name";
                    RETURN NULL;
                END $$;
                CREATE TRIGGER credential_name_search_keep AFTER INSERT OR UPDATE OF "Name" ON "Credentials"
                    FOR EACH ROW EXECUTE FUNCTION credential_name_search_keep();
                CREATE INDEX "IX_CredentialNameSearch_Bigrams" ON "CredentialNameSearch" USING gin (credential_name_bigrams("Name"));
                DROP TABLE "CredentialNamePairs";
                """);
        }
    }
}
