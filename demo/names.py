"""Words the demo catalogue is built from: Chiang Mai's districts, OTOP categories, products.

Pure data (the generators that combine it are in ``demo.plan``). Every Thai
phrase has its English translation beside it, so that a product's two names say the same.
"""

from __future__ import annotations

from dataclasses import dataclass

Phrase = tuple[str, str]  # (Thai, English)


@dataclass(frozen=True, slots=True)
class DistrictInfo:
    code: str
    name_th: str
    name_en: str
    weight: float  # how many of the province's entrepreneurs are here, relatively
    tambons: tuple[Phrase, ...]


@dataclass(frozen=True, slots=True)
class CategoryInfo:
    code: str
    name_th: str
    name_en: str
    weight: int  # per cent of products (PRODUCT.md: textiles, then household, then food)
    creative: bool  # shown at the Creative Co-Sharing Space on Tha Phae Road
    crafts: tuple[Phrase, ...]  # what a producer group of this category calls its trade


@dataclass(frozen=True, slots=True)
class BaseProduct:
    name_th: str
    name_en: str
    min_baht: int
    max_baht: int
    axes: tuple[str, ...]  # keys of VARIANTS: the first always named, the second sometimes


def _d(code: str, th: str, en: str, weight: float, *tambons: Phrase) -> DistrictInfo:
    return DistrictInfo(code, th, en, weight, tambons)


# The 25 amphoe of Chiang Mai by their geocode (the codes inventory.catalogue.places seeds too).
# San Kamphaeng, Mueang and the districts around the city
# hold more producers than the mountain districts.
DISTRICTS: tuple[DistrictInfo, ...] = (
    _d("5001", "เมืองเชียงใหม่", "Mueang Chiang Mai", 9, ("ศรีภูมิ", "Si Phum"),
       ("พระสิงห์", "Phra Sing"), ("หายยา", "Hai Ya"), ("ช้างคลาน", "Chang Khlan"),
       ("วัดเกต", "Wat Ket"), ("สุเทพ", "Suthep"), ("หนองหอย", "Nong Hoi"),
       ("ป่าแดด", "Pa Daet"), ("แม่เหียะ", "Mae Hia"), ("ฟ้าฮ่าม", "Fa Ham")),
    _d("5002", "จอมทอง", "Chom Thong", 4, ("บ้านหลวง", "Ban Luang"),
       ("ข่วงเปา", "Khuang Pao"), ("สบเตี๊ยะ", "Sop Tia"), ("ดอยแก้ว", "Doi Kaeo"),
       ("แม่สอย", "Mae Soi")),
    _d("5003", "แม่แจ่ม", "Mae Chaem", 4, ("ช่างเคิ่ง", "Chang Khoeng"), ("ท่าผา", "Tha Pha"),
       ("บ้านทับ", "Ban Thap"), ("แม่ศึก", "Mae Suek"), ("แม่นาจร", "Mae Na Chon"),
       ("กองแขก", "Kong Khaek")),
    _d("5004", "เชียงดาว", "Chiang Dao", 3, ("เชียงดาว", "Chiang Dao"),
       ("เมืองนะ", "Mueang Na"), ("เมืองงาย", "Mueang Ngai"), ("แม่นะ", "Mae Na"),
       ("ปิงโค้ง", "Ping Khong")),
    _d("5005", "ดอยสะเก็ด", "Doi Saket", 5, ("เชิงดอย", "Choeng Doi"),
       ("สันปูเลย", "San Pu Loei"), ("ลวงเหนือ", "Luang Nuea"), ("ป่าป้อง", "Pa Pong"),
       ("ตลาดขวัญ", "Talat Khwan"), ("แม่โป่ง", "Mae Pong"), ("เทพเสด็จ", "Thep Sadet")),
    _d("5006", "แม่แตง", "Mae Taeng", 4, ("สันมหาพน", "San Maha Phon"),
       ("ขี้เหล็ก", "Khilek"), ("ช่อแล", "Cho Lae"), ("แม่หอพระ", "Mae Ho Phra"),
       ("บ้านเป้า", "Ban Pao"), ("ป่าแป๋", "Pa Pae"), ("อินทขิล", "Inthakhin")),
    _d("5007", "แม่ริม", "Mae Rim", 7, ("ริมใต้", "Rim Tai"), ("ริมเหนือ", "Rim Nuea"),
       ("สันโป่ง", "San Pong"), ("สะลวง", "Saluang"), ("ห้วยทราย", "Huai Sai"),
       ("แม่แรม", "Mae Raem"), ("โป่งแยง", "Pong Yaeng"), ("แม่สา", "Mae Sa"),
       ("ดอนแก้ว", "Don Kaeo")),
    _d("5008", "สะเมิง", "Samoeng", 2, ("สะเมิงใต้", "Samoeng Tai"),
       ("สะเมิงเหนือ", "Samoeng Nuea"), ("แม่สาบ", "Mae Sap"), ("บ่อแก้ว", "Bo Kaeo"),
       ("ยั้งเมิน", "Yang Moen")),
    _d("5009", "ฝาง", "Fang", 3, ("เวียง", "Wiang"), ("ม่อนปิ่น", "Mon Pin"),
       ("แม่งอน", "Mae Ngon"), ("แม่สูน", "Mae Sun"), ("โป่งน้ำร้อน", "Pong Nam Ron")),
    _d("5010", "แม่อาย", "Mae Ai", 2, ("แม่อาย", "Mae Ai"), ("แม่สาว", "Mae Sao"),
       ("ท่าตอน", "Tha Ton"), ("มะลิกา", "Malika"), ("สันต้นหมื้อ", "San Ton Mue")),
    _d("5011", "พร้าว", "Phrao", 3, ("เวียง", "Wiang"), ("ทุ่งหลวง", "Thung Luang"),
       ("ป่าตุ้ม", "Pa Tum"), ("น้ำแพร่", "Nam Phrae"), ("เขื่อนผาก", "Khuean Phak"),
       ("แม่แวน", "Mae Waen")),
    _d("5012", "สันป่าตอง", "San Pa Tong", 5, ("ยุหว่า", "Yu Wa"), ("ทุ่งต้อม", "Thung Tom"),
       ("มะขามหลวง", "Makham Luang"), ("บ้านแม", "Ban Mae"), ("ทุ่งสะโตก", "Thung Satok"),
       ("ท่าวังพร้าว", "Tha Wang Phrao"), ("มะขุนหวาน", "Makhun Wan")),
    _d("5013", "สันกำแพง", "San Kamphaeng", 11, ("สันกำแพง", "San Kamphaeng"),
       ("ต้นเปา", "Ton Pao"), ("บวกค้าง", "Buak Khang"), ("ร้องวัวแดง", "Rong Wua Daeng"),
       ("แช่ช้าง", "Chae Chang"), ("ออนใต้", "On Tai"), ("ทรายมูล", "Sai Mun"),
       ("แม่ปูคา", "Mae Pu Kha"), ("ห้วยทราย", "Huai Sai"), ("สันกลาง", "San Klang")),
    _d("5014", "สันทราย", "San Sai", 7, ("สันทรายหลวง", "San Sai Luang"),
       ("สันทรายน้อย", "San Sai Noi"), ("สันนาเม็ง", "San Na Meng"),
       ("หนองจ๊อม", "Nong Chom"), ("หนองหาร", "Nong Han"), ("แม่แฝก", "Mae Faek"),
       ("เมืองเล็น", "Mueang Len"), ("ป่าไผ่", "Pa Phai")),
    _d("5015", "หางดง", "Hang Dong", 7, ("หางดง", "Hang Dong"), ("ขุนคง", "Khun Khong"),
       ("หนองแก๋ว", "Nong Kaeo"), ("หารแก้ว", "Han Kaeo"), ("บ้านแหวน", "Ban Waen"),
       ("สบแม่ข่า", "Sop Mae Kha"), ("หนองควาย", "Nong Khwai"), ("บ้านปง", "Ban Pong")),
    _d("5016", "ฮอด", "Hot", 2, ("ฮอด", "Hot"), ("บ้านตาล", "Ban Tan"),
       ("บ่อหลวง", "Bo Luang"), ("บ่อสลี", "Bo Sali"), ("นาคอเรือ", "Na Kho Ruea")),
    _d("5017", "ดอยเต่า", "Doi Tao", 1.5, ("ดอยเต่า", "Doi Tao"), ("ท่าเดื่อ", "Tha Duea"),
       ("มืดกา", "Muet Ka"), ("บ้านแอ่น", "Ban Aen"), ("บงตัน", "Bong Tan")),
    _d("5018", "อมก๋อย", "Omkoi", 1, ("อมก๋อย", "Omkoi"), ("ยางเปียง", "Yang Piang"),
       ("แม่ตื่น", "Mae Tuen"), ("ม่อนจอง", "Mon Chong"), ("นาเกียน", "Na Kian")),
    _d("5019", "สารภี", "Saraphi", 5, ("ยางเนิ้ง", "Yang Noeng"), ("สารภี", "Saraphi"),
       ("ชมภู", "Chomphu"), ("ขัวมุง", "Khua Mung"), ("หนองผึ้ง", "Nong Phueng"),
       ("ท่าวังตาล", "Tha Wang Tan"), ("ป่าบง", "Pa Bong")),
    _d("5020", "เวียงแหง", "Wiang Haeng", 1, ("เมืองแหง", "Mueang Haeng"),
       ("เปียงหลวง", "Piang Luang"), ("แสนไห", "Saen Hai")),
    _d("5021", "ไชยปราการ", "Chai Prakan", 2, ("ปงตำ", "Pong Tam"),
       ("ศรีดงเย็น", "Si Dong Yen"), ("แม่ทะลบ", "Mae Thalop"), ("หนองบัว", "Nong Bua")),
    _d("5022", "แม่วาง", "Mae Wang", 2, ("บ้านกาด", "Ban Kat"), ("ทุ่งปี้", "Thung Pi"),
       ("ทุ่งรวงทอง", "Thung Ruang Thong"), ("แม่วิน", "Mae Win"), ("ดอนเปา", "Don Pao")),
    _d("5023", "แม่ออน", "Mae On", 3, ("ออนเหนือ", "On Nuea"), ("ออนกลาง", "On Klang"),
       ("บ้านสหกรณ์", "Ban Sahakon"), ("ห้วยแก้ว", "Huai Kaeo"), ("แม่ทา", "Mae Tha"),
       ("ทาเหนือ", "Tha Nuea")),
    _d("5024", "ดอยหล่อ", "Doi Lo", 2, ("ดอยหล่อ", "Doi Lo"), ("สองแคว", "Song Khwae"),
       ("ยางคราม", "Yang Khram"), ("สันติสุข", "Santi Suk")),
    _d("5025", "กัลยาณิวัฒนา", "Galyani Vadhana", 1, ("บ้านจันทร์", "Ban Chan"),
       ("แม่แดด", "Mae Daet"), ("แจ่มหลวง", "Chaem Luang")),
)  # fmt: skip

CATEGORIES: tuple[CategoryInfo, ...] = (
    CategoryInfo("textiles", "ผ้าและเครื่องแต่งกาย", "Textiles and clothing", 38, True,
                 (("ทอผ้า", "Weaving"), ("ผ้าฝ้ายทอมือ", "Hand-woven Cotton"),
                  ("ย้อมคราม", "Indigo Dyeing"), ("ตัดเย็บเสื้อผ้า", "Tailoring"))),
    CategoryInfo("household", "ของใช้ ของตกแต่ง ของที่ระลึก",
                 "Household goods, decoration and souvenirs", 27, True,
                 (("ทำร่ม", "Umbrella Making"), ("จักสาน", "Basketry"),
                  ("กระดาษสา", "Sa Paper"), ("หัตถกรรม", "Handicraft"))),
    CategoryInfo("food", "อาหาร", "Food", 15, False,
                 (("แปรรูปอาหาร", "Food Processing"), ("น้ำพริก", "Chilli Paste"),
                  ("แปรรูปผลไม้", "Fruit Processing"))),
    CategoryInfo("drinks", "เครื่องดื่ม", "Drinks", 6, False,
                 (("กาแฟ", "Coffee"), ("ชา", "Tea"))),
    CategoryInfo("herbal", "สมุนไพรที่ไม่ใช่อาหาร", "Herbal products (non-food)", 6, False,
                 (("สมุนไพร", "Herbal"), ("ลูกประคบ", "Herbal Compress"))),
    CategoryInfo("jewellery", "เครื่องประดับ", "Jewellery", 3, True,
                 (("เครื่องเงิน", "Silverware"), ("เครื่องประดับ", "Jewellery"))),
    CategoryInfo("wood", "ไม้และเฟอร์นิเจอร์", "Wood and furniture", 3, True,
                 (("แกะสลักไม้", "Woodcarving"), ("เฟอร์นิเจอร์ไม้", "Wood Furniture"))),
    CategoryInfo("ceramics", "เซรามิก", "Ceramics", 2, True,
                 (("เครื่องปั้นดินเผา", "Pottery"), ("เซรามิก", "Ceramics"))),
)  # fmt: skip

VARIANTS: dict[str, tuple[Phrase, ...]] = {
    "colour": (("สีคราม", "indigo"), ("สีแดงครั่ง", "lac red"),
               ("สีเหลืองขมิ้น", "turmeric yellow"), ("สีน้ำตาลเปลือกไม้", "bark brown"),
               ("สีเขียวใบไม้", "leaf green"), ("สีดำ", "black"), ("สีธรรมชาติ", "natural"),
               ("สีชมพู", "pink"), ("สีม่วง", "purple"), ("สีขาว", "white")),
    "pattern": (("ลายดอกไม้", "floral pattern"), ("ลายช้าง", "elephant pattern"),
                ("ลายน้ำไหล", "flowing-water pattern"), ("ลายขอ", "hook pattern"),
                ("ลายนกยูง", "peacock pattern"), ("ลายล้านนา", "Lanna pattern")),
    "size": (("ไซซ์ S", "size S"), ("ไซซ์ M", "size M"), ("ไซซ์ L", "size L"),
             ("ไซซ์ XL", "size XL"), ("ฟรีไซซ์", "free size")),
    "dimension": (("ขนาดเล็ก", "small"), ("ขนาดกลาง", "medium"), ("ขนาดใหญ่", "large")),
    "umbrella": (("10 นิ้ว", "10-inch"), ("20 นิ้ว", "20-inch"), ("30 นิ้ว", "30-inch"),
                 ("40 นิ้ว", "40-inch")),
    "decor": (("ลายดอกไม้", "floral"), ("ลายช้าง", "elephant"), ("ลายนก", "bird"),
              ("สีแดง", "red"), ("สีทอง", "gold"), ("สีเขียว", "green"),
              ("สีน้ำเงิน", "blue"), ("ลายล้านนา", "Lanna pattern")),
    "weight": (("100 กรัม", "100 g"), ("200 กรัม", "200 g"), ("250 กรัม", "250 g"),
               ("500 กรัม", "500 g"), ("1 กิโลกรัม", "1 kg")),
    "flavour": (("รสดั้งเดิม", "original"), ("รสเผ็ด", "spicy"),
                ("รสเผ็ดมาก", "extra spicy"), ("สูตรสมุนไพร", "herb recipe"),
                ("สูตรไม่ใส่ผงชูรส", "no MSG")),
    "roast": (("คั่วอ่อน", "light roast"), ("คั่วกลาง", "medium roast"),
              ("คั่วเข้ม", "dark roast")),
    "beans": (("เมล็ด", "whole beans"), ("บด", "ground")),
    "pack": (("ชนิดซอง 20 ซอง", "20 tea bags"), ("ถุง 100 กรัม", "100 g bag"),
             ("กระป๋อง 200 กรัม", "200 g tin"), ("ชุดของขวัญ", "gift set")),
    "bottle": (("ขวด 250 มล.", "250 ml bottle"), ("ขวด 500 มล.", "500 ml bottle"),
               ("แพ็ค 6 ขวด", "pack of 6 bottles")),
    "scent": (("กลิ่นตะไคร้", "lemongrass"), ("กลิ่นมะลิ", "jasmine"),
              ("กลิ่นลาเวนเดอร์", "lavender"), ("กลิ่นมะกรูด", "kaffir lime"),
              ("กลิ่นขมิ้น", "turmeric"), ("กลิ่นดอกจำปี", "champak"), ("กลิ่นไพล", "plai")),
    "silver": (("ลายดอกพิกุล", "pikul-flower pattern"), ("ลายช้าง", "elephant pattern"),
               ("ลายกนก", "kanok pattern"), ("ชุบทอง", "gold-plated"),
               ("ขัดเงา", "polished"), ("รมดำ", "oxidised")),
    "finish": (("สีธรรมชาติ", "natural finish"), ("ทาสีโอ๊ค", "oak stain"),
               ("ลงรักปิดทอง", "gilded lacquer"), ("เคลือบด้าน", "matt varnish")),
    "glaze": (("เคลือบเขียวไข่กา", "jade-green glaze"), ("เคลือบฟ้า", "sky-blue glaze"),
              ("เคลือบน้ำตาล", "brown glaze"), ("ลายครามขาว", "blue-and-white")),
}  # fmt: skip


def _p(th: str, en: str, low: int, high: int, *axes: str) -> BaseProduct:
    return BaseProduct(th, en, low, high, axes)


PRODUCTS: dict[str, tuple[BaseProduct, ...]] = {
    "textiles": (
        _p("ผ้าฝ้ายทอมือ", "Hand-woven cotton cloth", 250, 1200, "colour", "pattern"),
        _p("ผ้าซิ่นตีนจก", "Teen jok sarong", 800, 3500, "colour", "pattern"),
        _p("ผ้าตีนจกแม่แจ่ม", "Mae Chaem teen jok cloth", 1200, 3500, "colour", "pattern"),
        _p("ผ้าไหมสันกำแพง", "San Kamphaeng silk", 1500, 3500, "colour", "pattern"),
        _p("เสื้อม่อฮ่อม", "Mo hom indigo shirt", 250, 650, "size", "pattern"),
        _p("ผ้าย้อมคราม", "Indigo-dyed cloth", 350, 1500, "pattern", "dimension"),
        _p("ผ้าพันคอฝ้าย", "Cotton scarf", 150, 450, "colour", "pattern"),
        _p("ผ้าคลุมไหล่ไหม", "Silk shawl", 650, 2500, "colour", "pattern"),
        _p("เสื้อผ้าฝ้ายปักมือ", "Hand-embroidered cotton blouse", 450, 1500, "colour", "size"),
        _p("กางเกงสะดอ", "Sa-do trousers", 150, 400, "colour", "size"),
        _p("ย่ามผ้าฝ้าย", "Cotton shoulder bag", 150, 450, "colour", "pattern"),
        _p("กระเป๋าผ้าปักชาวเขา", "Hill-tribe embroidered bag", 250, 950, "colour", "dimension"),
        _p("ผ้าขาวม้า", "Pha khao ma cloth", 150, 350, "colour"),
        _p("ชุดพื้นเมืองล้านนา", "Lanna traditional dress", 950, 3500, "colour", "size"),
        _p("ผ้าทอกะเหรี่ยง", "Karen woven cloth", 350, 1500, "colour", "pattern"),
        _p("หมวกผ้าฝ้าย", "Cotton hat", 150, 350, "colour", "size"),
    ),
    "household": (
        _p("ร่มบ่อสร้าง", "Bo Sang umbrella", 150, 1500, "umbrella", "decor"),
        _p("ร่มกระดาษสาเพ้นท์มือ", "Hand-painted sa paper umbrella", 250, 2500, "umbrella", "decor"),
        _p("กระดาษสา", "Sa paper", 35, 250, "decor", "dimension"),
        _p("สมุดกระดาษสา", "Sa paper notebook", 60, 250, "decor", "dimension"),
        _p("โคมไฟกระดาษสา", "Sa paper lamp", 250, 1200, "decor", "dimension"),
        _p("โคมล้านนา", "Lanna lantern", 80, 450, "decor", "dimension"),
        _p("เครื่องเขินลายไทย", "Lanna lacquerware", 250, 2500, "dimension", "decor"),
        _p("ตะกร้าจักสานไม้ไผ่", "Woven bamboo basket", 120, 650, "dimension"),
        _p("กระติบข้าวเหนียว", "Sticky-rice basket", 60, 250, "dimension"),
        _p("ตุงล้านนา", "Lanna prayer flag", 80, 450, "decor", "dimension"),
        _p("พัดสาน", "Woven fan", 40, 180, "decor"),
        _p("พวงกุญแจช้าง", "Elephant key ring", 20, 80, "decor"),
        _p("ตุ๊กตาผ้าชาวเขา", "Hill-tribe cloth doll", 80, 350, "dimension"),
        _p("ดอกไม้ประดิษฐ์จากผ้า", "Fabric flowers", 120, 650, "decor"),
        _p("กรอบรูปไม้ไผ่", "Bamboo photo frame", 150, 450, "dimension"),
        _p("เทียนหอมแกะสลัก", "Carved scented candle", 60, 350, "decor"),
    ),
    "food": (
        _p("ไส้อั่ว", "Sai ua sausage", 80, 250, "weight", "flavour"),
        _p("น้ำพริกหนุ่ม", "Nam prik num chilli dip", 45, 150, "weight", "flavour"),
        _p("น้ำพริกอ่อง", "Nam prik ong chilli dip", 45, 150, "weight", "flavour"),
        _p("แคบหมู", "Khaep mu pork crackling", 35, 150, "weight", "flavour"),
        _p("แหนมหมู", "Naem fermented pork", 50, 180, "weight"),
        _p("ข้าวแต๋นน้ำแตงโม", "Khao taen rice crackers", 35, 120, "weight"),
        _p("หมูยอ", "Mu yo pork sausage", 60, 180, "weight"),
        _p("กล้วยตาก", "Sun-dried banana", 40, 120, "weight"),
        _p("ลำไยอบแห้ง", "Dried longan", 60, 250, "weight"),
        _p("มะม่วงอบแห้ง", "Dried mango", 60, 200, "weight"),
        _p("สตรอว์เบอร์รีอบแห้ง", "Dried strawberries", 80, 250, "weight"),
        _p("ข้าวกล้องหอมมะลิ", "Jasmine brown rice", 60, 180, "weight"),
        _p("ข้าวเหนียวเขี้ยวงู", "Khiao ngu sticky rice", 60, 150, "weight"),
        _p("น้ำผึ้งดอกลำไย", "Longan-blossom honey", 120, 250, "bottle"),
        _p("ถั่วลิสงคั่ว", "Roasted peanuts", 35, 90, "weight", "flavour"),
    ),
    "drinks": (
        _p("ชาอู่หลงดอยแม่สลอง", "Doi Mae Salong oolong tea", 120, 650, "pack"),
        _p("ชาอู่หลงก้านอ่อน", "Tender-stem oolong tea", 150, 650, "pack"),
        _p("กาแฟอาราบิก้าดอยช้าง", "Doi Chang Arabica coffee", 180, 650, "roast", "beans"),
        _p("กาแฟคั่วดอยสะเก็ด", "Doi Saket roasted coffee", 150, 450, "roast", "beans"),
        _p("กาแฟอาราบิก้าแม่แตง", "Mae Taeng Arabica coffee", 150, 450, "roast", "beans"),
        _p("ชาเมี่ยง", "Miang fermented tea leaves", 60, 180, "pack"),
        _p("ชาใบหม่อน", "Mulberry-leaf tea", 80, 250, "pack"),
        _p("ชาดอกอัญชัน", "Butterfly-pea flower tea", 60, 180, "pack"),
        _p("น้ำลำไยสกัด", "Longan juice concentrate", 60, 200, "bottle"),
        _p("น้ำกระเจี๊ยบ", "Roselle juice", 35, 90, "bottle"),
        _p("ชากุหลาบ", "Rose tea", 80, 250, "pack"),
    ),
    "herbal": (
        _p("ยาหม่องสมุนไพร", "Herbal balm", 35, 120, "scent"),
        _p("ลูกประคบสมุนไพร", "Herbal compress ball", 60, 180, "dimension", "scent"),
        _p("สบู่สมุนไพร", "Herbal soap", 35, 120, "scent"),
        _p("สบู่แกะสลักดอกไม้", "Carved flower soap", 60, 250, "scent"),
        _p("น้ำมันหอมระเหย", "Essential oil", 120, 450, "scent", "bottle"),
        _p("ยาดมสมุนไพร", "Herbal inhaler", 25, 80, "scent"),
        _p("แชมพูสมุนไพร", "Herbal shampoo", 80, 250, "scent", "bottle"),
        _p("ธูปหอมสมุนไพร", "Herbal incense", 40, 150, "scent"),
    ),
    "jewellery": (
        _p("เครื่องเงินวัวลาย", "Wua Lai silverware", 450, 3500, "silver", "dimension"),
        _p("กำไลเงิน", "Silver bangle", 350, 3000, "silver"),
        _p("ต่างหูเงินชาวเขา", "Hill-tribe silver earrings", 150, 950, "silver"),
        _p("สร้อยคอเงิน", "Silver necklace", 450, 3500, "silver"),
        _p("แหวนเงินลายล้านนา", "Lanna silver ring", 250, 1200, "silver", "size"),
        _p("สร้อยข้อมือลูกปัดชาวเขา", "Hill-tribe bead bracelet", 60, 350, "colour"),
        _p("เข็มกลัดผ้าทอ", "Woven-cloth brooch", 60, 250, "colour"),
    ),
    "wood": (
        _p("ช้างไม้แกะสลัก", "Carved wooden elephant", 250, 3500, "dimension", "finish"),
        _p("งานแกะสลักไม้บ้านถวาย", "Ban Tawai wood carving", 450, 3500, "dimension", "finish"),
        _p("ถาดไม้สัก", "Teak tray", 250, 950, "dimension", "finish"),
        _p("เก้าอี้ไม้สัก", "Teak chair", 1500, 4500, "finish"),
        _p("โต๊ะไม้สักพับได้", "Folding teak table", 1800, 6500, "finish", "dimension"),
        _p("ชามไม้มะม่วง", "Mango-wood bowl", 150, 650, "dimension", "finish"),
        _p("กล่องไม้แกะลาย", "Carved wooden box", 250, 1200, "dimension", "finish"),
        _p("ชุดช้อนส้อมไม้", "Wooden cutlery set", 80, 250, "finish"),
    ),
    "ceramics": (
        _p("ชุดน้ำชาเซลาดอน", "Celadon tea set", 650, 3500, "glaze"),
        _p("จานเซลาดอน", "Celadon plate", 150, 650, "glaze", "dimension"),
        _p("แจกันเซลาดอน", "Celadon vase", 250, 1800, "glaze", "dimension"),
        _p("ถ้วยกาแฟเซรามิก", "Ceramic coffee mug", 120, 350, "glaze"),
        _p("ครกดินเผา", "Clay mortar", 80, 250, "dimension"),
        _p("เครื่องปั้นดินเผาเมืองกุง", "Muang Kung pottery", 150, 950, "dimension", "glaze"),
    ),
}  # fmt: skip

# (Thai, English, Thai title, English title) — common northern Thai given names.
FIRST_NAMES: tuple[tuple[str, str, str, str], ...] = (
    ("สมศรี", "Somsri", "นาง", "Mrs"), ("บัวผัน", "Buaphan", "นาง", "Mrs"),
    ("คำปัน", "Khampan", "นาง", "Mrs"), ("ศรีนวล", "Srinuan", "นาง", "Mrs"),
    ("จันทร์เพ็ญ", "Chanphen", "นางสาว", "Ms"), ("อำไพ", "Amphai", "นาง", "Mrs"),
    ("ประไพ", "Prapai", "นาง", "Mrs"), ("สุดา", "Suda", "นางสาว", "Ms"),
    ("นงลักษณ์", "Nongluck", "นาง", "Mrs"), ("แสงเดือน", "Saengduean", "นาง", "Mrs"),
    ("พิมพ์ใจ", "Pimjai", "นางสาว", "Ms"), ("วันเพ็ญ", "Wanpen", "นาง", "Mrs"),
    ("บุญมี", "Boonmee", "นาย", "Mr"), ("ทองดี", "Thongdee", "นาย", "Mr"),
    ("อินถา", "Intha", "นาย", "Mr"), ("มานพ", "Manop", "นาย", "Mr"),
    ("สมชาย", "Somchai", "นาย", "Mr"), ("ประเสริฐ", "Prasert", "นาย", "Mr"),
    ("สุรพล", "Suraphon", "นาย", "Mr"), ("อนุชา", "Anucha", "นาย", "Mr"),
)  # fmt: skip

LAST_NAMES: tuple[Phrase, ...] = (
    ("ใจดี", "Jaidee"), ("ปัญญาวงศ์", "Panyawong"), ("แก้วมูล", "Kaewmoon"),
    ("อินทร์แก้ว", "Inkaew"), ("ศรีวิชัย", "Sriwichai"), ("คำมา", "Khamma"),
    ("ปินตา", "Pinta"), ("ยาวิชัย", "Yawichai"), ("สุริยะ", "Suriya"),
    ("ธรรมวงศ์", "Thammawong"), ("กันทะ", "Kanta"), ("วงศ์ใหญ่", "Wongyai"),
    ("ไชยวงศ์", "Chaiwong"), ("จันทร์ตา", "Chanta"), ("บุญเรือง", "Boonruang"),
    ("ทาแก้ว", "Thakaew"),
)  # fmt: skip

# OTOP star ratings skew to the middle: many 3- and 4-star products, fewer 5-star ones.
STAR_WEIGHTS: dict[int, int] = {1: 4, 2: 11, 3: 36, 4: 34, 5: 15}
COMMISSION_BP: tuple[int, ...] = (1500, 2000, 2500, 3000)
MOBILE_PREFIXES: tuple[str, ...] = ("06", "08", "09")
THAI_GS1_PREFIX = "885"
