using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CredentialPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class IdempotencyKeysAndSecretHeaders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Columns only, both nullable: existing rows keep everything. A secret extra header is a "Secret" member inside
            // the WebhookHeaders JSON (absent reads as not secret), so it needs no column of its own.
            migrationBuilder.AddColumn<Guid>(
                name: "IdempotencyKey",
                table: "Credentials",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "IdempotencyKey",
                table: "Alerts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Credentials_IdempotencyKey",
                table: "Credentials",
                column: "IdempotencyKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_IdempotencyKey",
                table: "Alerts",
                column: "IdempotencyKey",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Credentials_IdempotencyKey",
                table: "Credentials");

            migrationBuilder.DropIndex(
                name: "IX_Alerts_IdempotencyKey",
                table: "Alerts");

            migrationBuilder.DropColumn(
                name: "IdempotencyKey",
                table: "Credentials");

            migrationBuilder.DropColumn(
                name: "IdempotencyKey",
                table: "Alerts");
        }
    }
}
