using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace CredentialPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class RolesAuditRotation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "GraceEndsUtc",
                table: "Credentials",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PreviousSecretHint",
                table: "Credentials",
                type: "TEXT",
                maxLength: 4,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ProtectedPreviousClientId",
                table: "Credentials",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ProtectedPreviousPrivateKey",
                table: "Credentials",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ProtectedPreviousSecret",
                table: "Credentials",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "RotatedUtc",
                table: "Credentials",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "IsDisabled",
                table: "AspNetUsers",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "Role",
                table: "ApiTokens",
                type: "TEXT",
                maxLength: 32,
                nullable: false,
                defaultValue: "Administrator");

            migrationBuilder.CreateTable(
                name: "AuditEntries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AtUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    ActorUserId = table.Column<string>(type: "TEXT", maxLength: 450, nullable: true),
                    ActorTokenId = table.Column<int>(type: "INTEGER", nullable: true),
                    Action = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ObjectType = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ObjectId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ObjectName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    Changes = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditEntries", x => x.Id);
                });

            migrationBuilder.InsertData(
                table: "AspNetRoles",
                columns: new[] { "Id", "ConcurrencyStamp", "Name", "NormalizedName" },
                values: new object[,]
                {
                    { "role-administrator", "role-administrator", "Administrator", "ADMINISTRATOR" },
                    { "role-editor", "role-editor", "Editor", "EDITOR" },
                    { "role-viewer", "role-viewer", "Viewer", "VIEWER" }
                });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_Actor",
                table: "AuditEntries",
                columns: new[] { "Actor", "AtUtc" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_At",
                table: "AuditEntries",
                columns: new[] { "AtUtc", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_Object",
                table: "AuditEntries",
                columns: new[] { "ObjectType", "ObjectId", "AtUtc" });

            // Before roles every user could do everything: each existing user becomes an Administrator.
            migrationBuilder.Sql("INSERT INTO \"AspNetUserRoles\" (\"UserId\", \"RoleId\") SELECT \"Id\", 'role-administrator' FROM \"AspNetUsers\";");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AuditEntries");

            migrationBuilder.DeleteData(
                table: "AspNetRoles",
                keyColumn: "Id",
                keyValue: "role-administrator");

            migrationBuilder.DeleteData(
                table: "AspNetRoles",
                keyColumn: "Id",
                keyValue: "role-editor");

            migrationBuilder.DeleteData(
                table: "AspNetRoles",
                keyColumn: "Id",
                keyValue: "role-viewer");

            migrationBuilder.DropColumn(
                name: "GraceEndsUtc",
                table: "Credentials");

            migrationBuilder.DropColumn(
                name: "PreviousSecretHint",
                table: "Credentials");

            migrationBuilder.DropColumn(
                name: "ProtectedPreviousClientId",
                table: "Credentials");

            migrationBuilder.DropColumn(
                name: "ProtectedPreviousPrivateKey",
                table: "Credentials");

            migrationBuilder.DropColumn(
                name: "ProtectedPreviousSecret",
                table: "Credentials");

            migrationBuilder.DropColumn(
                name: "RotatedUtc",
                table: "Credentials");

            migrationBuilder.DropColumn(
                name: "IsDisabled",
                table: "AspNetUsers");

            migrationBuilder.DropColumn(
                name: "Role",
                table: "ApiTokens");
        }
    }
}
