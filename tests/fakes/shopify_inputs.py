"""The input types of Shopify's Admin GraphQL that the stand-in checks (shapes and enums), and the variable
types each root field's arguments must be declared with.
"""

from __future__ import annotations

import re
from typing import Any

# root field -> argument -> GraphQL type the variable must be declared with
ARGUMENT_TYPES: dict[str, dict[str, str]] = {
    "stagedUploadsCreate": {"input": "[StagedUploadInput!]!"},
    "productSet": {"input": "ProductSetInput!", "identifier": "ProductSetIdentifiers", "synchronous": "Boolean"},
    "inventorySetQuantities": {"input": "InventorySetQuantitiesInput!"},
    "productUpdate": {"product": "ProductUpdateInput"},
    "products": {"query": "String", "first": "Int", "after": "String"},
    "orders": {"query": "String", "first": "Int", "after": "String"},
    "publishablePublish": {"id": "ID!", "input": "[PublicationInput!]!"},
}


class InvalidVariable(Exception):
    """Shopify's "Variable $x of type T was provided invalid value" error."""


def _require(obj: Any, type_name: str, fields: dict[str, Any], required: tuple[str, ...] = ()) -> None:
    if not isinstance(obj, dict):
        raise InvalidVariable(f"Expected value to be an object ({type_name})")
    for key in obj:
        if key not in fields:
            raise InvalidVariable(f"{key} (Field is not defined on {type_name})")
    for key in required:
        if obj.get(key) is None:
            raise InvalidVariable(f"{key} (Expected value to not be null)")
    for key, check in fields.items():
        if obj.get(key) is not None and check is not None:
            check(obj[key], f"{type_name}.{key}")


def _str(value: Any, where: str) -> None:
    if not isinstance(value, str):
        raise InvalidVariable(f"{where} (Could not coerce value {value!r} to String)")


def _bool(value: Any, where: str) -> None:
    if not isinstance(value, bool):
        raise InvalidVariable(f"{where} (Could not coerce value {value!r} to Boolean)")


def _int(value: Any, where: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidVariable(f"{where} (Could not coerce value {value!r} to Int)")


def _gid(kind: str) -> Any:
    def check(value: Any, where: str) -> None:
        if not isinstance(value, str) or not value.startswith(f"gid://shopify/{kind}/"):
            raise InvalidVariable(f"{where} (Invalid global id {value!r})")
    return check


def _enum(*values: str) -> Any:
    def check(value: Any, where: str) -> None:
        if value not in values:
            raise InvalidVariable(f"{where} (Expected {value!r} to be one of: {', '.join(values)})")
    return check


def _money(value: Any, where: str) -> None:
    if not isinstance(value, str | int | float) or not re.fullmatch(r"-?\d+(\.\d+)?", str(value)):
        raise InvalidVariable(f"{where} (Could not coerce value {value!r} to Money)")


def _list_of(check: Any) -> Any:
    def run(value: Any, where: str) -> None:
        if not isinstance(value, list):
            raise InvalidVariable(f"{where} (Expected a list)")
        for i, item in enumerate(value):
            check(item, f"{where}.{i}")
    return run


def _obj(type_name: str, fields: dict[str, Any], required: tuple[str, ...] = ()) -> Any:
    return lambda value, where: _require(value, type_name, fields, required)


STAGED_UPLOAD_INPUT = _obj("StagedUploadInput", {
    "filename": _str, "mimeType": _str, "resource": _enum("IMAGE", "FILE", "VIDEO", "MODEL_3D", "PRODUCT_IMAGE"),
    "httpMethod": _enum("POST", "PUT"), "fileSize": _str}, ("filename", "mimeType", "resource"))

_OPTION_VALUE = _obj("OptionValueSetInput", {"name": _str, "id": _str}, ("name",))
_VARIANT_OPTION = _obj("VariantOptionValueInput", {"optionName": _str, "name": _str}, ("optionName", "name"))
_INVENTORY_ITEM = _obj("InventoryItemInput", {"sku": _str, "tracked": _bool, "requiresShipping": _bool})
# The search-engine listing: ProductSetInput.seo (also ProductCreateInput/ProductUpdateInput.seo) is an SEOInput.
SEO_INPUT = _obj("SEOInput", {"title": _str, "description": _str})
PRODUCT_SET_INPUT = _obj("ProductSetInput", {
    "title": _str, "descriptionHtml": _str, "handle": _str, "vendor": _str, "productType": _str,
    "status": _enum("ACTIVE", "DRAFT", "ARCHIVED"), "tags": _list_of(_str),
    "productOptions": _list_of(_obj("OptionSetInput", {"name": _str, "values": _list_of(_OPTION_VALUE)},
                                    ("name", "values"))),
    "variants": _list_of(_obj("ProductVariantSetInput", {
        "optionValues": _list_of(_VARIANT_OPTION), "price": _money, "compareAtPrice": _money,
        "inventoryItem": _INVENTORY_ITEM, "sku": _str}, ("optionValues",))),
    "files": _list_of(_obj("FileSetInput", {"originalSource": _str, "contentType": _enum("IMAGE", "VIDEO", "FILE"),
                                            "alt": _str, "filename": _str}, ("originalSource",))),
    "metafields": _list_of(_obj("MetafieldInput", {"namespace": _str, "key": _str, "type": _str, "value": _str},
                                ("namespace", "key", "type", "value"))),
    "seo": SEO_INPUT,
})
PRODUCT_SET_IDENTIFIERS = _obj("ProductSetIdentifiers", {"id": _gid("Product"), "handle": _str})
# From 2026-04 (changelog "compare and swap redesign for inventory set quantities"): compareQuantity and
# ignoreCompareQuantity are gone; every quantity carries changeFromQuantity (null opts out of the check), which the
# stand-in's inventorySetQuantities insists is present.
INVENTORY_SET_INPUT = _obj("InventorySetQuantitiesInput", {
    "name": _enum("available", "on_hand"), "reason": _str, "referenceDocumentUri": _str,
    "quantities": _list_of(_obj("InventoryQuantityInput", {
        "inventoryItemId": _gid("InventoryItem"), "locationId": _gid("Location"), "quantity": _int,
        "changeFromQuantity": _int}, ("inventoryItemId", "locationId", "quantity"))),
}, ("name", "reason", "quantities"))
PRODUCT_UPDATE_INPUT = _obj("ProductUpdateInput", {
    "id": _gid("Product"), "status": _enum("ACTIVE", "DRAFT", "ARCHIVED"), "title": _str}, ("id",))

PUBLICATION_INPUT = _obj("PublicationInput", {"publicationId": _gid("Publication"), "publishDate": _str},
                         ("publicationId",))

VARIABLE_CHECKS: dict[str, Any] = {
    "ID!": _str,
    "[PublicationInput!]!": _list_of(PUBLICATION_INPUT),
    "[StagedUploadInput!]!": _list_of(STAGED_UPLOAD_INPUT),
    "ProductSetInput!": PRODUCT_SET_INPUT,
    "ProductSetIdentifiers": PRODUCT_SET_IDENTIFIERS,
    "InventorySetQuantitiesInput!": INVENTORY_SET_INPUT,
    "ProductUpdateInput": PRODUCT_UPDATE_INPUT,
    "ProductUpdateInput!": PRODUCT_UPDATE_INPUT,
    "String": _str,
    "String!": _str,
    "Int": _int,
    "Boolean": _bool,
}


def check_variable(declared: str, value: Any, name: str) -> None:
    """Check one variable's value against its declared type (null only where the type allows it)."""
    if value is None:
        if declared.endswith("!"):
            raise InvalidVariable(f"Variable ${name} of type {declared} was provided invalid value (Expected value "
                                  "to not be null)")
        return
    check = VARIABLE_CHECKS.get(declared)
    if check is None:
        raise InvalidVariable(f"Unknown type {declared} for ${name}")
    try:
        check(value, name)
    except InvalidVariable as exc:
        raise InvalidVariable(f"Variable ${name} of type {declared} was provided invalid value for {exc}") from None
