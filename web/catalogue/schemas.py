"""The request and response bodies of catalogue's controllers, as the API documents them."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from web.schemas import TrueOrFalse, WholeNumber


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProductIn(_Strict):
    sku: str = Field(max_length=32)
    barcode: str | None = Field(default=None, max_length=32, description="blank: in-store code")
    name_th: str = Field(max_length=400)
    name_en: str = Field(max_length=400)
    category_id: WholeNumber
    entrepreneur_id: WholeNumber
    price_satang: WholeNumber = Field(ge=0)
    vat_applicable: TrueOrFalse = True
    active: TrueOrFalse = True


class ProductPatch(_Strict):
    version: WholeNumber
    sku: str | None = Field(default=None, max_length=32)
    barcode: str | None = Field(default=None, max_length=32)
    name_th: str | None = Field(default=None, max_length=400)
    name_en: str | None = Field(default=None, max_length=400)
    category_id: WholeNumber | None = None
    entrepreneur_id: WholeNumber | None = None
    price_satang: WholeNumber | None = Field(default=None, ge=0)
    vat_applicable: TrueOrFalse | None = None
    active: TrueOrFalse | None = None


class EntrepreneurIn(_Strict):
    code: str = Field(max_length=16)
    name_th: str = Field(max_length=400)
    name_en: str = Field(max_length=400)
    district_id: WholeNumber
    commission_bp: WholeNumber | None = None  # none: the centre's default (a setting)
    star_rating: WholeNumber
    tambon: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=40)
    promptpay_id: str | None = Field(default=None, max_length=40)
    active: TrueOrFalse = True


class EntrepreneurPatch(_Strict):
    version: WholeNumber
    code: str | None = Field(default=None, max_length=16)
    name_th: str | None = Field(default=None, max_length=400)
    name_en: str | None = Field(default=None, max_length=400)
    district_id: WholeNumber | None = None
    commission_bp: WholeNumber | None = None
    star_rating: WholeNumber | None = None
    tambon: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    promptpay_id: str | None = Field(default=None, max_length=40)
    active: TrueOrFalse | None = None


class CategoryIn(_Strict):
    code: str = Field(max_length=32)
    name_th: str = Field(max_length=400)
    name_en: str = Field(max_length=400)
    commission_bp: WholeNumber | None = None


class CategoryPatch(_Strict):
    version: WholeNumber
    code: str | None = Field(default=None, max_length=32)
    name_th: str | None = Field(default=None, max_length=400)
    name_en: str | None = Field(default=None, max_length=400)
    commission_bp: WholeNumber | None = None


class LocationIn(_Strict):
    code: str = Field(max_length=16)
    name_th: str = Field(max_length=400)
    name_en: str = Field(max_length=400)
    is_default: TrueOrFalse = False
    active: TrueOrFalse = True


class LocationPatch(_Strict):
    version: WholeNumber
    code: str | None = Field(default=None, max_length=16)
    name_th: str | None = Field(default=None, max_length=400)
    name_en: str | None = Field(default=None, max_length=400)
    is_default: TrueOrFalse | None = None
    active: TrueOrFalse | None = None


class EntrepreneurForm(BaseModel):
    version: str = ""
    code: str = ""
    name_th: str = ""
    name_en: str = ""
    district_id: str = ""
    tambon: str = ""
    phone: str = ""
    promptpay_id: str = ""
    commission_percent: str = ""
    star_rating: str = ""
    active: str = ""


class PlaceForm(BaseModel):
    version: str = ""
    code: str = ""
    name_th: str = ""
    name_en: str = ""
    commission_percent: str = ""
    is_default: str = ""
    active: str = ""


class ProductForm(BaseModel):
    version: str = ""
    sku: str = ""
    barcode: str = ""
    name_th: str = ""
    name_en: str = ""
    category_id: str = ""
    entrepreneur_code: str = ""
    price_baht: str = ""
    vat_applicable: str = ""
    active: str = ""
